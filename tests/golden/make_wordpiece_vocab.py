"""Reference vocabularies for bertlab's WordPiece trainer, made by HF tokenizers itself.

For each case of CASES, trains HF's BertWordPieceTokenizer(...).train(files, vocab_size,
min_frequency, limit_alphabet, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
wordpieces_prefix="##") on one thread and writes its vocab.txt to tests/fixtures/wordpiece/
(<name>.vocab.txt), with manifest.json listing each case's corpus and arguments. Run with the pinned
venv (tests/golden/requirements.txt, tokenizers 0.22.1):

    $(scripts/golden-venv) tests/golden/make_wordpiece_vocab.py [--out DIR] [--shared DIR]

The corpora are text the repository has: tests/fixtures/wordpiece/corpus.txt (written for this),
the texts of tests/golden/tokenizer_inputs.jsonl, and two files of ../shared/datasets (the
references are small; the tests that use them run only where ../shared is).

HF's output is NOT deterministic: its trainer keeps the words in a hash map with a random seed,
so the order of the "##c" tokens (and with it, which of two equally frequent pairs is merged
first) changes from run to run. A rerun gives other, equally valid files; the tests take the
initial order from the file and require every line after it to be HF's.
"""
import argparse
import collections
import json
import os
import tempfile
import unicodedata

import tokenizers
from tokenizers import BertWordPieceTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

CORPUS = {"repo": "tests/fixtures/wordpiece/corpus.txt"}
CASES_TEXTS = {"texts_of": "tests/golden/tokenizer_inputs.jsonl"}

# name, corpus, vocab_size, min_frequency, limit_alphabet, lowercase, strip_accents (None: as lowercase)
CASES = [
    ("lowercase", CORPUS, 600, 2, 1000, True, None),
    ("cased", CORPUS, 600, 2, 1000, False, None),
    ("cased_strip_accents", CORPUS, 600, 2, 1000, False, True),
    ("lowercase_keep_accents", CORPUS, 600, 2, 1000, True, False),
    ("limit_alphabet_39", CORPUS, 500, 2, 39, True, None),
    ("limit_alphabet_40_tie", CORPUS, 500, 2, 40, True, None),
    ("min_frequency_1", CORPUS, 800, 1, 1000, True, None),
    ("min_frequency_4", CORPUS, 800, 4, 1000, True, None),
    ("vocab_size_50", CORPUS, 50, 2, 1000, True, None),
    ("test_case_texts", CASES_TEXTS, 900, 2, 1000, True, None),
    ("wikitext2_test", {"shared": "datasets/wikitext-2-tokens/test.txt"}, 2000, 2, 1000, True, None),
    ("gutenberg_alice_cased", {"shared": "datasets/gutenberg-children/11-0.txt"}, 1500, 2, 1000, False, None),
]


def strings_in(value):
    """Every string in a JSON value, depth first (the C++ test walks it the same way)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def case_texts(path):
    """The "text" and "text_pair" strings of the tokenizer cases, one line each."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            call = json.loads(line).get("call", {})
            for key in ("text", "text_pair"):
                lines += [" ".join(s.splitlines()) for s in strings_in(call.get(key))]
    return lines


def corpus_file(corpus, shared, tmp):
    if "repo" in corpus:
        return os.path.join(ROOT, corpus["repo"])
    if "shared" in corpus:
        return os.path.join(shared, corpus["shared"])
    path = os.path.join(tmp, "texts.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in case_texts(os.path.join(ROOT, corpus["texts_of"]))))
    return path


def alphabet_tie_at_limit(tok, path, limit):
    """True when limit_alphabet must choose among equally frequent characters (HF picks at random)."""
    normalizer, pre = tok._tokenizer.normalizer, tok._tokenizer.pre_tokenizer
    chars = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            for word, _ in pre.pre_tokenize_str(normalizer.normalize_str(line)):
                chars.update(word)
    if len(chars) <= limit:
        return False
    counts = sorted(chars.values(), reverse=True)
    return counts[limit - 1] == counts[limit]


def kept_other_characters(vocab, specials):
    """The initial tokens whose character is in a Unicode category C*: the HF normalizer keeps
    unassigned code points and noncharacters (Cn) and some newer format characters (Cf), which
    bertlab's BasicTokenizer (like transformers' slow one) deletes."""
    out = []
    for token in vocab.split("\n")[len(specials):]:
        char = token[2:] if token.startswith("##") else token
        if len(char) != 1:
            break
        if unicodedata.category(char)[0] == "C":
            out.append(token)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "wordpiece"))
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    args = parser.parse_args()
    os.environ["RAYON_NUM_THREADS"] = "1"
    os.makedirs(args.out, exist_ok=True)
    manifest = {"generator": "tests/golden/make_wordpiece_vocab.py", "tokenizers_version": tokenizers.__version__,
                "special_tokens": SPECIAL_TOKENS, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, corpus, vocab_size, min_frequency, limit_alphabet, lowercase, strip_accents in CASES:
            path = corpus_file(corpus, args.shared, tmp)
            tok = BertWordPieceTokenizer(clean_text=True, handle_chinese_chars=True, strip_accents=strip_accents,
                                         lowercase=lowercase)
            tok.train([path], vocab_size=vocab_size, min_frequency=min_frequency, limit_alphabet=limit_alphabet,
                      special_tokens=SPECIAL_TOKENS, show_progress=False, wordpieces_prefix="##")
            model_dir = os.path.join(tmp, name)
            os.makedirs(model_dir)
            tok.save_model(model_dir)
            with open(os.path.join(model_dir, "vocab.txt"), encoding="utf-8") as f:
                vocab = f.read()
            with open(os.path.join(args.out, name + ".vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
                f.write(vocab)
            manifest["cases"].append({
                "name": name, "corpus": corpus, "vocab_size": vocab_size, "min_frequency": min_frequency,
                "limit_alphabet": limit_alphabet, "lowercase": lowercase, "strip_accents": strip_accents,
                "alphabet_tie_at_limit": alphabet_tie_at_limit(tok, path, limit_alphabet),
                "hf_only_tokens": kept_other_characters(vocab, SPECIAL_TOKENS),
                "vocab": name + ".vocab.txt", "lines": vocab.count("\n"),
            })
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
