#!/usr/bin/env python3
"""Writes tests/fixtures/seqeval/cases.json (+ its README.md): seqeval's own entity metrics on tag sequences, the
golden values of finetune/seqeval.h (tests/finetune/test_token_classification.cpp).

    python3 -m venv /tmp/seqeval-venv && /tmp/seqeval-venv/bin/pip install seqeval==1.2.2
    /tmp/seqeval-venv/bin/python tests/golden/make_seqeval_golden.py [--out tests/fixtures/seqeval/cases.json]

seqeval is what HF's run_ner.py evaluates with (evaluate.load("seqeval") calls it); its default mode,
no `mode=` / `scheme=`, is the one computed here. Each case: several sentences of true and predicted
tags; seqeval's get_entities of the true tags (flattened with an "O" after each sentence, as seqeval
does) and precision_score, recall_score, f1_score, accuracy_score. Hand-written cases cover the
rules (an I-X after O or after another type starts an entity; E-/S- tags; no entities at all); the
rest are random, from a fixed seed. Deterministic: a rerun gives the same file.
"""
import argparse
import importlib.metadata
import json
import os
import random

from seqeval.metrics import accuracy_score, f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

HAND = [
    ([["B-PER", "I-PER", "O", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "O", "B-LOC"]]),   # all right
    ([["B-PER", "I-PER", "O", "O", "B-LOC"]], [["B-PER", "O", "O", "O", "B-LOC"]]),       # PER too short
    ([["O", "I-PER", "I-PER", "O"]], [["O", "B-PER", "I-PER", "O"]]),                     # I- without B-
    ([["B-PER", "I-LOC", "I-LOC"]], [["B-PER", "I-PER", "I-LOC"]]),                      # a type switch
    ([["B-PER", "B-PER", "I-PER"]], [["B-PER", "I-PER", "I-PER"]]),                      # B- after B-
    ([["S-LOC", "O", "B-PER", "E-PER"]], [["S-LOC", "O", "B-PER", "I-PER"]]),            # IOBES tags
    ([["O", "O"], ["O"]], [["O", "O"], ["O"]]),                                          # no entities
    ([["O", "O"]], [["B-MISC", "O"]]),                                                   # only false ones
    ([["I-PER"], ["I-PER"]], [["I-PER"], ["I-PER"]]),                                    # sentences split entities
    ([["B-PER", "I-PER"], ["I-PER", "O"]], [["B-PER", "I-PER"], ["B-PER", "O"]]),
]
TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


def random_cases(n, rng):
    cases = []
    for _ in range(n):
        true, pred = [], []
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(1, 9)
            t = [rng.choice(TAGS) for _ in range(length)]
            # mostly right, some tags changed, as a half-trained model's
            p = [x if rng.random() < 0.7 else rng.choice(TAGS) for x in t]
            true.append(t)
            pred.append(p)
        cases.append((true, pred))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "seqeval", "cases.json"))
    args = parser.parse_args()
    rng = random.Random(20240606)
    out = []
    for true, pred in HAND + random_cases(40, rng):
        flat = [tag for sentence in true for tag in sentence + ["O"]]
        out.append({
            "true": true, "pred": pred,
            "true_entities": [list(e) for e in get_entities(flat)],
            "precision": precision_score(true, pred, zero_division=0),
            "recall": recall_score(true, pred, zero_division=0),
            "f1": f1_score(true, pred, zero_division=0),
            "accuracy": accuracy_score(true, pred),
        })
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    header = {"generator": "tests/golden/make_seqeval_golden.py", "seqeval": importlib.metadata.version("seqeval")}
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:  # one case per line
        f.write(json.dumps(header)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(case) for case in out) + "\n]}\n")
    with open(os.path.join(os.path.dirname(args.out), "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(f"""# seqeval: golden entity metrics

`cases.json`: {len(out)} cases, one per line, made by `tests/golden/make_seqeval_golden.py` with seqeval
{header["seqeval"]} (HF run_ner.py's metric; default mode, no `mode=` / `scheme=`). Do not edit by hand.

Each case: `true` and `pred` (lists of sentences, each a list of tags), `true_entities` = seqeval's
`get_entities` of the true tags joined with an "O" after each sentence (`[type, first, last]`, positions
in that joined list, both inclusive), and `precision`, `recall`, `f1` (entity level, micro average,
`zero_division=0`) and `accuracy` (tag level). The first {len(HAND)} cases are written by hand (I- without
B-, a type switch, B- after B-, IOBES tags, no entities, entities cut by a sentence end); the rest are
random (seed 20240606). tests/finetune/test_token_classification.cpp requires equal entity lists and
every metric within 1e-12.
""")
    print(f"wrote {args.out}: {len(out)} cases")


if __name__ == "__main__":
    main()
