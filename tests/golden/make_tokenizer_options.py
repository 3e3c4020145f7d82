"""The tokenizer option cases: HF's slow BertTokenizer with each of its BasicTokenizer options.

Writes tests/fixtures/tokenizer_options/ (vocab.txt, cases.jsonl, README.md): every text of TEXTS
under every tokenizer_config.json of CONFIGS, with the tokens and input_ids transformers' slow
BertTokenizer gives. The vocabulary is small, cased, and written here. Run with the pinned venv
(tests/golden/requirements.txt; transformers 4.x):

    $(scripts/golden-venv) tests/golden/make_tokenizer_options.py [--out DIR]

make_fixtures.py's outputs are not touched. The output is deterministic.
"""
import argparse
import json
import os
import tempfile

import transformers
from transformers import BertTokenizer

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "école", "École", "ecole", "Ecole", "é", "É", "e", "E", "##cole",
    "café", "Café", "cafe", "Cafe", "caf", "Caf", "##é", "##e",
    "naïve", "Naïve", "naive", "Naive", "Å", "A", "a", "Ångström", "Angstrom", "angstrom", "ångström",
    "한", "국", "어", "##국", "##어", "한국어",
    "ᄒ", "##ᅡ", "##ᆫ", "##ᄀ", "##ᅮ", "##ᆨ", "##ᄋ", "##ᅥ",
    "中", "文", "##文", "##中", "中文", "字", "##字", "豈",
    "!", ",", ".", "[", "]", "-", "x", "##x", "Hello", "hello", "##_",
    "[unused0]", "<keep>", "Keep-me", "keep-me",
]

CONFIGS = [
    {"do_lower_case": False},
    {"do_lower_case": False, "strip_accents": True},
    {"do_lower_case": False, "strip_accents": False},
    {"do_lower_case": True},
    {"do_lower_case": True, "strip_accents": None},
    {"do_lower_case": True, "strip_accents": False},
    {"do_lower_case": True, "strip_accents": True},
    {"do_lower_case": False, "tokenize_chinese_chars": False},
    {"do_lower_case": True, "tokenize_chinese_chars": False},
    {"do_lower_case": False, "never_split": ["Keep-me", "<keep>", "[unused0]", "na\u00efve"]},
    {"do_lower_case": True, "never_split": ["Keep-me", "keep-me", "<keep>", "[unused0]", "na\u00efve"]},
    {"do_lower_case": True, "strip_accents": False, "never_split": ["<keep>", "na\u00efve"]},
    {"do_lower_case": False, "tokenize_chinese_chars": False, "never_split": ["<keep>"]},
]

TEXTS = [
    ("precomposed Latin", "école École café, Café!"),
    ("decomposed Latin (NFC composes)", "e\u0301cole E\u0301cole cafe\u0301, Cafe\u0301!"),
    ("naïve both ways", "naïve Nai\u0308ve"),
    ("a deleted format character between base and mark", "e\u200b\u0301cole"),
    ("Angstrom sign and A + ring (NFC singletons)", "\u212b A\u030a \u212bngstro\u0308m"),
    ("Hangul precomposed", "한국어 한 국어"),
    ("Hangul conjoining jamo", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"),
    ("Hangul LV + T jamo", "\ud558\u11ab\uad6d\uc5b4"),
    ("CJK", "中文字 中文,文中 x中x"),
    ("CJK compatibility ideograph U+F900", "\uf900 中\uf900"),
    ("marks reordered by NFC", "a\u0323\u0307 e\u0301\u0323"),
    ("a lone combining mark", "\u0301e x \u0301"),
    ("special tokens and punctuation", "[MASK] Hello-x [unused0]! <keep>"),
    ("never_split tokens, whole and not", "Keep-me keep-me KEEP-ME <keep> <keep>! x<keep> [unused0]"),
    ("never_split after NFC and deletion", "na\u00efve Na\u00efve nai\u0308ve <ke\u200bep>"),
    ("never_split beside CJK", "\u4e2d<keep>\u6587 \u4e2d <keep>"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "fixtures", "tokenizer_options"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    vocab_path = os.path.join(out, "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(token + "\n" for token in VOCAB))
    lines = []
    for c, config in enumerate(CONFIGS):
        tokenizer = BertTokenizer(vocab_path, **config)
        for t, (note, text) in enumerate(TEXTS):
            tokens = tokenizer.tokenize(text)
            lines.append(json.dumps({
                "id": f"c{c}-t{t}", "note": note, "config": config, "text": text,
                "tokens": tokens, "input_ids": tokenizer(text)["input_ids"],
            }, sort_keys=True))
    with open(os.path.join(out, "cases.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"""# tokenizer_options: HF's slow `BertTokenizer` with its BasicTokenizer options

Made by `tests/golden/make_tokenizer_options.py` (transformers {transformers.__version__}); do not edit
by hand. `vocab.txt` is a small cased vocabulary written by the script ({len(VOCAB)} tokens).
`cases.jsonl`: {len(lines)} cases, one line each: `config` (the `tokenizer_config.json` keys
do_lower_case, strip_accents, tokenize_chinese_chars, never_split given to `BertTokenizer(vocab.txt, **config)`),
`text`, and HF's `tokens` (`tokenize(text)`) and `input_ids` (`tokenizer(text)`, with [CLS]/[SEP]).
The texts cover NFC (decomposed Latin, conjoining-jamo Hangul, singletons, mark reordering),
accent stripping with and without lowercasing, CJK with tokenize_chinese_chars off, and
never_split tokens.
Checked by tests/tokenizer/test_options_cases.cpp.
""")


if __name__ == "__main__":
    main()
