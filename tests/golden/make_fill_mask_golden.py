"""The fill-mask pipeline's own answers on the repository's tiny-bert, for tests/pipelines.

Runs transformers' pipeline("fill-mask") (the versions of tests/golden/requirements.txt) on
tests/fixtures/models/tiny-bert with top_k, targets (one of them not a vocabulary entry, so it is
replaced by its first wordpiece) and several [MASK]s in one text, and writes what it returns to
tests/fixtures/fill-mask/tiny-bert.json:
  [{"text", "top_k", "targets" (or null), "result": [[{"score", "token", "token_str", "sequence"}, ...] per [MASK]]}]
Rerun:  $(scripts/golden-venv) tests/golden/make_fill_mask_golden.py
"""
import json
import os

import torch
from transformers import BertForMaskedLM, BertTokenizer, pipeline

ROOT = os.path.join(os.path.dirname(__file__), "..", "fixtures")
MODEL = os.path.join(ROOT, "models", "tiny-bert")
CASES = [
    ("the cat sat on the [MASK].", 5, None),
    ("the cat sat on the [MASK].", 10, ["mat", "table", "dog", "sunny", "the"]),
    ("the [MASK] sat on the [MASK] in the sun.", 3, None),
    ("the [MASK] sat on the [MASK] in the sun.", 2, ["cat", "dog", "mat"]),
]


def main():
    torch.set_num_threads(1)
    model = BertForMaskedLM.from_pretrained(MODEL).eval()
    fill = pipeline("fill-mask", model=model, tokenizer=BertTokenizer.from_pretrained(MODEL), device="cpu")
    out = []
    for text, top_k, targets in CASES:
        result = fill(text, top_k=top_k, targets=targets)
        if text.count("[MASK]") == 1:
            result = [result]  # the pipeline unwraps a single mask's list; the file keeps one per mask
        out.append({"text": text, "top_k": top_k, "targets": targets, "result": result})
    os.makedirs(os.path.join(ROOT, "fill-mask"), exist_ok=True)
    with open(os.path.join(ROOT, "fill-mask", "tiny-bert.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
