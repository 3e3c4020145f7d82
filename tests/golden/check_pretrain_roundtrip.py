#!/usr/bin/python3
"""Does a model folder written by `bertlab pretrain` load in transformers and give bertlab's numbers?

  $BERTLAB_PYTHON tests/golden/check_pretrain_roundtrip.py --model OUT --bertlab build/examples/bertlab --dir TMP

transformers loads OUT with BertForMaskedLM.from_pretrained (every weight found, none left over) and
its tokenizer with AutoTokenizer; the script tokenizes a padded batch, has `bertlab forward` run the
same inputs, and compares the MLM logits. Then `bertlab fill-mask` on a text with [MASK]: each score
it prints must be transformers' softmax probability of that token, and they must be its top 5.
The measure is transformers in float64: bertlab's float32 may be at most twice as far from it as
transformers' own float32 (two float32 programs round differently, and a trained model can amplify
that: bertlab-mini's attention scores reach 360).
Exits 1 on a mismatch. Without torch/transformers it prints "BERTLAB-SKIP: ..." and exits 0, or 1
under CI (CI=true). Run when $BERTLAB_PYTHON is set by tests/finetune/test_pretrain_cli.cpp (a folder
`bertlab pretrain` just wrote) and tests/examples/test_bundled_model.cpp (the committed bertlab-mini).
"""
import argparse
import os
import subprocess
import sys

try:
    import torch
    from safetensors.torch import load_file, save_file
    from transformers import AutoTokenizer, BertForMaskedLM
except ImportError as e:
    if os.environ.get("CI") == "true":
        print(f"FAIL: CI=true needs torch, transformers and safetensors for {sys.executable}: {e}")
        sys.exit(1)
    print(f"BERTLAB-SKIP: {e} (run with BERTLAB_PYTHON=$(scripts/golden-venv): a venv with the pinned transformers)")
    sys.exit(0)

TEXTS = ["Alice was beginning to get very tired.", "Down, down, down. Would the fall never come to an end?"]
FILL_TEXT = "the rabbit went down the [MASK] ."


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the folder bertlab pretrain wrote")
    parser.add_argument("--bertlab", required=True, help="the bertlab program")
    parser.add_argument("--dir", required=True, help="a scratch folder for the inputs and outputs")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.dir, exist_ok=True)

    # In float32, as bertlab computes (transformers 5 would keep a float16 checkpoint in float16),
    # and in float64 as the measure of both.
    model, info = BertForMaskedLM.from_pretrained(args.model, dtype=torch.float32, output_loading_info=True)
    model.eval()
    exact_model = BertForMaskedLM.from_pretrained(args.model, dtype=torch.float64).eval()
    ok = check("from_pretrained loads every weight", not any(info.values()), str(info))
    tok = AutoTokenizer.from_pretrained(args.model)

    enc = tok(TEXTS, padding=True, return_tensors="pt")
    inputs = os.path.join(args.dir, "inputs.safetensors")
    outputs = os.path.join(args.dir, "outputs.safetensors")
    save_file({k: enc[k].to(torch.int64).contiguous() for k in ("input_ids", "attention_mask", "token_type_ids")}, inputs)
    subprocess.run([args.bertlab, "forward", "--model", args.model, "--task", "mlm", "--inputs", inputs,
                    "--out", outputs], check=True)
    with torch.no_grad():
        theirs, exact = model(**enc).logits, exact_model(**enc).logits
    ours = load_file(outputs)["mlm_logits"]
    same_shape = ours.shape == theirs.shape
    err_ours = (ours.double() - exact).abs().max().item() if same_shape else float("inf")
    err_theirs = (theirs.double() - exact).abs().max().item()
    logit_tol = 1e-5 + 1e-5 * exact.abs().max().item() + 2 * err_theirs
    ok &= check("mlm_logits", err_ours <= logit_tol,
                f"shape {tuple(ours.shape)}, max |diff| to float64: bertlab {err_ours:.3g}, "
                f"transformers' float32 {err_theirs:.3g}")

    # bertlab fill-mask prints "score  token  token_str  sequence" rows under "[MASK] #1".
    run = subprocess.run([args.bertlab, "fill-mask", FILL_TEXT, "--model", args.model, "--top-k", "5"],
                         check=True, capture_output=True, text=True)
    rows = [line.split() for line in run.stdout.splitlines() if line[:1] == " " or line[:1].isdigit()]
    rows = [(float(r[0]), int(r[1])) for r in rows if len(r) >= 2 and r[1].isdigit()]
    enc = tok(FILL_TEXT, return_tensors="pt")
    position = enc["input_ids"][0].tolist().index(tok.mask_token_id)
    with torch.no_grad():
        probs = exact_model(**enc).logits[0, position].softmax(-1)

    # Logits off by at most d move a probability p by at most p·(e^(2d) - 1) ≈ 2·d·p: the logits'
    # tolerance carried over, plus 2e-6 for the 6 printed decimals.
    def tol(p):
        return 2e-6 + 2 * logit_tol * p

    ok &= check("fill-mask printed 5 predictions", len(rows) == 5, run.stdout)
    for score, token in rows:
        p = probs[token].item()
        ok &= check(f"fill-mask score of {tok.convert_ids_to_tokens(token)!r}", abs(score - p) <= tol(p),
                    f"bertlab {score:.6f}, transformers (float64) {p:.6f}")
    top = probs.topk(5).values.tolist()  # the order by value, whatever a near-tie does to the token order
    ok &= check("fill-mask's scores are transformers' top 5", len(rows) == 5 and
                all(abs(score - p) <= tol(p) for (score, _), p in zip(rows, top)), f"transformers (float64) {top}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
