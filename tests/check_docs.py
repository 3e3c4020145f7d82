#!/usr/bin/env python3
"""The docs must keep up with the code: this checks what a doc states that the repository can prove.

    check_docs.py [SOURCE_DIR [BERTLAB_BINARY]]     check; exit 1 on any problem
    check_docs.py --fix-sizes [SOURCE_DIR]          rewrite docs/architecture.md's size table

SOURCE_DIR defaults to the folder above this script; BERTLAB_BINARY to build/examples/bertlab
in it (without a binary the command flags are not checked, and a note says so).

Read: README.md, README.ko.md (when present), exercises/README*.md and every .md under docs/. Checked:
 1. paths: every repository path a doc quotes exists (links resolved from the doc's folder);
 2. `file` › `symbol`: the symbol appears in that file;
 3. commands: `bertlab <subcommand> --flag` uses a subcommand and flags that
    `bertlab <subcommand> --help` lists, and `./run <cmd>` a command the run script accepts;
 4. docs/architecture.md's size table: every library, each within ±15% of its real line count;
 5. no path that only exists on a developer's machine (../shared, /work/, /tmp/ci): a learner's
    clone has none of them.
One line per problem, `file:line: what is wrong`, then `docs checked: N files, M problems`.
Files are moved and functions renamed every week; a doc that points at the old name sends a
learner to a file that is not there, so the check runs with the tests, not once by hand.
"""
import os
import re
import subprocess
import sys

# Paths that exist only on the machines the project is developed and tested on.
WORKSPACE_PATH = re.compile(r"\.\./shared\b|(?<![\w.])/work/|(?<![\w.])/tmp/ci\b")
# Lines allowed to name one all the same, as (doc, regular expression the line matches). Keep it
# to the README's sentence on which fixtures the tests (and CI, which has ../shared) read: it
# tells developers about their machines and asks no learner to go there.
WORKSPACE_ALLOWED = [
    ("README.md", r"`\.\./shared/fixtures` (\(or `\$BERTLAB_FIXTURES`\)|when)"),
]
# bertlab::<namespace> -> the folder that holds it (namespaces follow the library folders).
NAMESPACE_FOLDERS = {ns: ns for ns in ("bert", "nn", "peft", "pipelines", "finetune", "tokenizer", "hub", "viz")}
NAMESPACE_FOLDERS["kernels"] = "tensor/kernels"
SIZE_TOLERANCE = 0.15           # the size table may be this far off before it counts as stale
SIZE_DOC = "docs/architecture.md"


def read_docs(root):
    """The docs to check: {relative path: list of lines}."""
    names = [n for n in ("README.md", "README.ko.md", "exercises/README.md", "exercises/README.ko.md")
             if os.path.isfile(os.path.join(root, n))]
    for folder, _, files in os.walk(os.path.join(root, "docs")):
        names += sorted(os.path.relpath(os.path.join(folder, f), root) for f in files if f.endswith(".md"))
    docs = {}
    for name in names:
        with open(os.path.join(root, name), encoding="utf-8") as f:
            docs[name.replace(os.sep, "/")] = f.read().splitlines()
    return docs


def tracked_files(root):
    """Files of the repository: git's list in a checkout (so build/ and stray files do not
    count), else every file on disk outside build folders."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, check=True)
        # (A file deleted but not yet committed is still listed: keep only what is on disk.)
        files = [f for f in out.stdout.decode().split("\0") if f and os.path.isfile(os.path.join(root, f))]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(("build", ".git"))]
        files += [os.path.relpath(os.path.join(folder, n), root).replace(os.sep, "/") for n in names]
    return files


def scan(lines):
    """Yield (line number, text, in_code_block) with fenced code blocks marked. Inside a block a
    line ending in '\\' is joined with the next, as the shell would read it, and so is an
    indented line of options (`    [--steps N ...]`) that goes on with a usage line."""
    in_code, out = False, []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        joins = in_code and out and out[-1][2] and (
            out[-1][1].endswith("\\") or re.match(r"\s+\[?--", line))
        if joins:
            out[-1] = (out[-1][0], out[-1][1].rstrip("\\") + " " + line.strip(), True)
        else:
            out.append((number, line.rstrip() if in_code else line, in_code))
    return out


def code_spans(text):
    return re.findall(r"`([^`]+)`", text)


def expand_braces(path):
    """`tensor/ops/{softmax,gelu}.cpp` -> both files, as the shell expands it."""
    m = re.search(r"\{([^{}]*,[^{}]*)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",")
            for p in expand_braces(path[:m.start()] + alt + path[m.end():])]


class Checker:
    def __init__(self, root, bertlab):
        self.root, self.bertlab = root, bertlab
        self.files = tracked_files(root)
        self.top_dirs = {f.split("/")[0] for f in self.files if "/" in f}
        # What a fresh clone has: the files and their folders (an ignored file on this disk,
        # such as a build output, would pass here and fail on the learner's machine).
        self.folders = {os.path.dirname(f) for f in self.files}
        for folder in list(self.folders):
            while folder:
                folder = os.path.dirname(folder)
                self.folders.add(folder)
        self.paths = set(self.files) | self.folders
        self.problems = []          # (doc, line, message)
        self.shared_mentions = set()
        self.help_cache = {}
        self.folder_names = {}
        self.run_commands = self.read_run_commands()

    def problem(self, doc, line, message):
        self.problems.append((doc, line, message))

    # 1. Paths -------------------------------------------------------------------------------
    def exists(self, rel):
        return os.path.normpath(rel).replace(os.sep, "/") in self.paths or rel in ("", ".")

    def check_path(self, doc, line, path):
        for p in expand_braces(path):
            # A glob (`examples/lab0N_*.cpp`) is checked up to its first wildcard folder.
            parts = p.split("/")
            for i, part in enumerate(parts):
                if "*" in part or "<" in part:
                    p = "/".join(parts[:i]) + "/"
                    break
            if not self.exists(p.rstrip("/") or "."):
                self.problem(doc, line, f"path `{p}` does not exist")
            elif p.endswith("/") and p.rstrip("/") not in self.folders:
                self.problem(doc, line, f"`{p}` is not a folder")

    def is_repo_path(self, token, strict):
        """Does the token name a path inside this repository? Its first part must be a
        top-level folder here: so `models/bert/` (HF's tree) and `refs/main` (HF's cache) are
        someone else's paths, and `run/history.jsonl` is not under the file `run`. Outside a
        code span of its own, a token also needs a file extension or a final '/', so that
        prose such as 'tensor/nn/bert' is not taken for a path."""
        token = token[2:] if token.startswith("./") else token
        parts = token.split("/")
        if len(parts) < 2 or parts[0] not in self.top_dirs:
            return False
        if strict:
            return True
        return token.endswith("/") or re.search(r"\.[A-Za-z]\w*(\}|$)", parts[-1]) is not None

    def check_paths(self, doc, number, text, in_code):
        doc_dir = os.path.dirname(doc)
        # Markdown links and images: resolved from the doc's own folder, as a browser does.
        if not in_code:
            for target in re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text):
                if re.match(r"[a-z]+:|#", target):
                    continue
                rel = os.path.normpath(os.path.join(doc_dir, target.split("#")[0]))
                if rel.startswith(".."):
                    self.problem(doc, number, f"link `{target}` leaves the repository")
                elif not self.exists(rel):
                    self.problem(doc, number, f"link `{target}` points at `{rel}`, which does not exist")
        whole = set()
        if not in_code:
            for span in code_spans(text):
                span = span.strip()
                if re.fullmatch(r"(\./)?[\w.{},*<>-]+(/[\w.{},*<>-]+)*/?", span) and self.is_repo_path(span, True):
                    whole.add(span)
                    self.check_path(doc, number, span[2:] if span.startswith("./") else span)
        # Any other path-shaped token: in prose, in code blocks, inside longer code spans.
        for token in re.findall(r"(?<![\w./:~$-])((?:\./)?[\w.-]+(?:/[\w.{},*-]+)+/?)", text):
            if token not in whole and self.is_repo_path(token, False):
                self.check_path(doc, number, token[2:] if token.startswith("./") else token)

    # 2. `file` › `symbol` --------------------------------------------------------------------
    def check_symbols(self, doc, number, text):
        for m in re.finditer(r"`([^`]+)`\s*›\s*", text):
            path, rest, symbols = m.group(1), text[m.end():], []
            # `a.cpp` › `f` and `g`, `h`: every name up to the next `file` ›.
            first = re.match(r"`([^`]+)`", rest)
            while first:
                symbols.append(first.group(1))
                rest = rest[first.end():]
                first = re.match(r"\s*(?:,|and|와|과|및)\s*`([^`/]+)`(?!\s*›)", rest)
            full = os.path.join(self.root, path)
            if not os.path.isfile(full):
                self.problem(doc, number, f"`{path}` › ...: no such file")
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                source = f.read()
            for symbol in symbols:
                if not self.symbol_in(symbol, source):
                    self.problem(doc, number, f"`{path}` has no `{symbol}`")

    def check_namespaces(self, doc, number, text):
        """`pipelines::return_tensors` in a doc: the name must be in that library's folder. When a
        file moves to another library its namespace changes with it, and a doc still saying
        `bert::return_tensors` would not compile if a learner typed it."""
        for ns, name in re.findall(r"(?<![\w:])(?:bertlab::)?([a-z]\w*)::(~?\w+)", text):
            folder = NAMESPACE_FOLDERS.get(ns)
            if folder is None:
                continue
            if name not in self.names_in(folder):
                self.problem(doc, number, f"`{ns}::{name}`: no `{name}` in {folder}/")

    def names_in(self, folder):
        if folder not in self.folder_names:
            words = set()
            for name in self.files:
                if name.startswith(folder + "/") and name.endswith((".h", ".cpp")):
                    with open(os.path.join(self.root, name), encoding="utf-8", errors="replace") as f:
                        words.update(re.findall(r"~?\w+", f.read()))
            self.folder_names[folder] = words
        return self.folder_names[folder]

    @staticmethod
    def symbol_in(symbol, source):
        """`BertModel::forward` is there when every part of it is, each as a whole word: a
        .cpp writes `BertModel::forward`, a header declares `forward` inside the class."""
        for part in symbol.split("::"):
            if part.startswith("operator"):
                # operator() and operator<< are punctuation, not words: look for the text.
                if not re.search(r"operator\s*" + re.escape(part[len("operator"):].strip()), source):
                    return False
            elif not re.search(r"\b" + re.escape(part.removesuffix("()")) + r"\b", source):
                return False
        return True

    # 3. Commands -----------------------------------------------------------------------------
    def help_text(self, args):
        key = tuple(args)
        if key not in self.help_cache:
            run = subprocess.run([self.bertlab, *args, "--help"], capture_output=True, text=True)
            self.help_cache[key] = run.stdout + run.stderr if run.returncode == 0 else None
        return self.help_cache[key]

    def subcommands(self):
        text = self.help_text([]) or ""
        # CLI11 lists them under "Subcommands:", one a line: "  fill-mask   predict ...".
        block = text.split("Subcommands:", 1)[-1] if "Subcommands:" in text else ""
        return set(re.findall(r"^\s+([a-z][\w-]*)\s", block, re.M))

    def read_run_commands(self):
        """The commands of the run script: the patterns of its `case "$cmd" in` block."""
        try:
            with open(os.path.join(self.root, "run"), encoding="utf-8") as f:
                script = f.read()
        except OSError:
            return set()
        block = script.split('case "$cmd" in', 1)[-1].split("esac", 1)[0]
        return {c for pattern in re.findall(r"^\s*([\w|-]+)\)", block, re.M) for c in pattern.split("|")}

    def check_commands(self, doc, number, text, in_code):
        pieces = [text] if in_code else code_spans(text)
        for piece in pieces:
            # A comment may hold a command of its own ("# or: bertlab fetch-minilm"), and a
            # pipe or ';' ends one: check each part alone.
            for part in re.split(r"\s#\s?|\s\|\s|;|&&", piece):
                self.check_command(doc, number, part)

    def check_command(self, doc, number, part):
        for m in re.finditer(r"(?:^|(?<=[\s(]))\./run\s+([a-z][\w-]*)", part):
            if self.run_commands and m.group(1) not in self.run_commands:
                self.problem(doc, number, f"`./run {m.group(1)}`: the run script has no such command")
        # bertlab in the place of a command: first on the line, after a prompt, a label such as
        # "or:", VAR=value settings, ./run or a folder; not "... no other bertlab library".
        m = re.match(r"\s*(?:\$\s+)?(?:\w+:\s+)?(?:\w+=\S*\s+)*(?:\./run\s+|\S*/)?bertlab\s+([a-z][\w-]*)(.*)",
                     part)
        if not m or not self.bertlab:
            return
        sub, rest = m.group(1), m.group(2)
        if sub not in self.subcommands():
            self.problem(doc, number, f"`bertlab {sub}`: no such subcommand")
            return
        # Flags inside a quoted argument are text, not flags.
        rest = re.sub(r"\"[^\"]*\"|'[^']*'", "", rest)
        help_text = self.help_text([sub]) or ""
        for flag in re.findall(r"(?<![\w-])--[a-z][\w-]*", rest):
            if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", help_text):
                self.problem(doc, number, f"`bertlab {sub}` has no option {flag}")

    # 4. The size table -----------------------------------------------------------------------
    def library_folders(self):
        """Folders that build a library of their own name: add_library(bertlab_<folder> ...)."""
        libs = []
        for folder in sorted(self.top_dirs):
            try:
                with open(os.path.join(self.root, folder, "CMakeLists.txt"), encoding="utf-8") as f:
                    if re.search(r"add_library\(\s*bertlab_" + re.escape(folder) + r"\b", f.read()):
                        libs.append(folder)
            except OSError:
                pass
        return libs

    def line_count(self, lib):
        total = 0
        for name in self.files:
            if name.startswith(lib + "/") and name.endswith((".h", ".cpp")):
                with open(os.path.join(self.root, name), "rb") as f:
                    total += f.read().count(b"\n")
        return total

    @staticmethod
    def size_rows(lines):
        """{library: (index of its line, number)} for the table under '## Size'."""
        rows, in_size = {}, False
        for i, line in enumerate(lines):
            if line.startswith("## "):
                in_size = line.strip() == "## Size"
            m = re.match(r"\|\s*`?(\w+)/?`?\s*\|\s*(\d+)\s*\|", line) if in_size else None
            if m:
                rows[m.group(1)] = (i, int(m.group(2)))
        return rows

    def check_sizes(self, docs):
        lines = docs.get(SIZE_DOC)
        if lines is None:
            return
        rows = self.size_rows(lines)
        libs = self.library_folders()
        table_line = min((i for i, _ in rows.values()), default=len(lines) - 1) + 1
        for lib in libs:
            if lib not in rows:
                self.problem(SIZE_DOC, table_line, f"size table lacks the library {lib}/ (--fix-sizes adds it)")
                continue
            i, written = rows[lib]
            real = self.line_count(lib)
            if abs(written - real) > SIZE_TOLERANCE * real:
                self.problem(SIZE_DOC, i + 1, f"size of {lib}: the table says {written}, it is {real} "
                                              f"(more than {SIZE_TOLERANCE:.0%} off; --fix-sizes)")
        for lib, (i, _) in rows.items():
            if lib not in libs:
                self.problem(SIZE_DOC, i + 1, f"size table lists {lib}, which is not a library folder")

    def fix_sizes(self):
        path = os.path.join(self.root, SIZE_DOC)
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        rows = self.size_rows(lines)
        if not rows:
            sys.exit(f"{SIZE_DOC}: no size table under '## Size'")
        first = min(i for i, _ in rows.values())
        last = max(i for i, _ in rows.values())
        libs = self.library_folders()
        # Keep the table's order for the libraries it has; new ones go at the end.
        order = [lib for lib in sorted(rows, key=lambda l: rows[l][0]) if lib in libs]
        order += [lib for lib in libs if lib not in order]
        table = [f"| {lib} | {self.line_count(lib)} |" for lib in order]
        lines[first:last + 1] = table
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print("\n".join(table))

    # 5. Paths of the developers' machines ----------------------------------------------------
    def check_workspace(self, doc, number, text):
        if not WORKSPACE_PATH.search(text):
            return
        if "../shared" in text:
            self.shared_mentions.add(doc)
        if any(doc == d and re.search(allowed, text) for d, allowed in WORKSPACE_ALLOWED):
            return
        for m in WORKSPACE_PATH.finditer(text):
            path = m.group(0) + re.match(r"[^\s`'\")]*", text[m.end():]).group(0)
            self.problem(doc, number, f"`{path}` is a path on the developers' machines, "
                                      "not in a learner's clone")

    def run(self):
        docs = read_docs(self.root)
        if self.bertlab and not self.help_text([]):
            self.problem(self.bertlab, 0, "`--help` failed: cannot check the commands")
            self.bertlab = None
        for doc, lines in docs.items():
            for number, text, in_code in scan(lines):
                self.check_paths(doc, number, text, in_code)
                self.check_symbols(doc, number, text)
                self.check_namespaces(doc, number, text)
                self.check_commands(doc, number, text, in_code)
                self.check_workspace(doc, number, text)
        self.check_sizes(docs)
        for doc, line, message in sorted(set(self.problems)):
            print(f"{doc}:{line}: {message}")
        if self.shared_mentions:
            print("note: ../shared is still named in " + ", ".join(sorted(self.shared_mentions)))
        if not self.bertlab:
            print("note: no bertlab binary given or built: command flags not checked")
        print(f"docs checked: {len(docs)} files, {len(set(self.problems))} problems")
        return 1 if self.problems or not docs else 0  # no doc found: a wrong folder, not a pass


def main():
    args = sys.argv[1:]
    fix = "--fix-sizes" in args
    args = [a for a in args if a != "--fix-sizes"]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    bertlab = args[1] if len(args) > 1 else os.path.join(root, "build", "examples", "bertlab")
    if len(args) > 1 and not os.access(bertlab, os.X_OK):
        sys.exit(f"{bertlab}: not an executable bertlab")   # asked for it: do not skip quietly
    checker = Checker(root, bertlab if os.access(bertlab, os.X_OK) else None)
    if fix:
        checker.fix_sizes()
        return 0
    return checker.run()


if __name__ == "__main__":
    sys.exit(main())
