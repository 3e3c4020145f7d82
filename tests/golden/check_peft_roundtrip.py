#!/usr/bin/python3
"""Does an adapter written by bertlab's save_adapter load in HuggingFace PEFT and give our numbers?

  BERTLAB_LORA_EXPORT=/tmp/ours ./build/tests/bert_tests "bertlab forward --adapter*"   # writes
      /tmp/ours/adapter (adapter_config.json + adapter_model.safetensors) and /tmp/ours/out.safetensors
      (what `bertlab forward --adapter ... --grads` wrote for tiny-bert's golden inputs)
  /usr/bin/python3 tests/golden/check_peft_roundtrip.py --base tests/fixtures/models/tiny-bert \
      --dir /tmp/ours

PEFT loads the adapter with PeftModel.from_pretrained onto transformers' BertForMaskedLM, runs the
same inputs, and the script compares logits, loss, LoRA gradients and merged weights with bertlab's
output using the fixture tolerances. Exits 1 on a mismatch, or when it compared nothing. When
peft/transformers are not installed it prints "BERTLAB-SKIP: ..." and exits 0 (CTest: skipped), or
exits 1 under CI (CI=true), which must run it (tests/golden/requirements.txt pins the versions).

CTest runs it as `peft_roundtrip` (tests/CMakeLists.txt) with --bert-tests: the script then runs that
bert_tests itself, as above, into --dir, before comparing. The Python is $BERTLAB_PYTHON, else python3.
"""
import argparse
import os
import subprocess
import sys

try:
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import BertForMaskedLM
except ImportError as e:  # an optional check, but not under CI: say why it did not run
    if os.environ.get("CI") == "true":
        print(f"FAIL: CI=true needs torch, peft, transformers and safetensors for {sys.executable}: {e}")
        sys.exit(1)
    print(f"BERTLAB-SKIP: {e} (run with BERTLAB_PYTHON=$(scripts/golden-venv): a venv with the pinned transformers + PEFT)")
    sys.exit(0)


def report(name, ours, theirs, atol, rtol=0.0):
    diff = (ours - theirs).abs()
    ok = bool((diff <= atol + rtol * theirs.abs()).all())
    print(f"{'ok  ' if ok else 'FAIL'} {name}: max |diff| {diff.max().item():.3g}")
    return ok


def report_count(what, compared, ours):
    """Every tensor of ours was compared, and there was at least one: a check of nothing fails."""
    ok = compared == ours and compared > 0
    print(f"{'ok  ' if ok else 'FAIL'} {what}: compared {compared} of bertlab's {ours}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="tiny-bert folder (config.json + model.safetensors)")
    parser.add_argument("--dir", required=True, help="folder with adapter/ and out.safetensors from bertlab")
    parser.add_argument("--bert-tests", help="run this bert_tests first to write --dir (from --base's fixtures)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.bert_tests:
        fixtures = os.path.dirname(os.path.dirname(os.path.abspath(args.base)))  # <fixtures>/models/tiny-bert
        env = dict(os.environ, BERTLAB_LORA_EXPORT=args.dir, BERTLAB_FIXTURES=fixtures)
        run = subprocess.run([args.bert_tests, "bertlab forward --adapter*"], env=env, capture_output=True, text=True)
        if run.returncode != 0 or "BERTLAB-SKIP" in run.stdout:
            print(run.stdout, run.stderr, f"FAIL: {args.bert_tests} did not write {args.dir}", sep="\n")
            return 1

    base = BertForMaskedLM.from_pretrained(args.base)
    model = PeftModel.from_pretrained(base, f"{args.dir}/adapter", is_trainable=True)
    model.eval()
    print(model.base_model.model.bert.encoder.layer[0].attention.self.key)
    ours = load_file(f"{args.dir}/out.safetensors")
    inputs = load_file(f"{args.base}/golden.safetensors")

    out = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"],
                token_type_ids=inputs["token_type_ids"], labels=inputs["mlm_labels"])
    out.loss.backward()
    ok = report("mlm_logits", ours["mlm_logits"], out.logits.detach(), 1e-5, 1e-5)
    ok &= report("mlm_loss", ours["mlm_loss"], out.loss.detach(), 1e-5, 1e-6)

    # gradients: PEFT's state-dict name "...key.lora_A.default.weight" is the file key "...key.lora_A.weight"
    n_grads = 0
    for name, p in model.named_parameters():
        if p.requires_grad:
            key = "grad." + name.replace(".default.", ".")
            ok &= report(key, ours[key], p.grad, 1e-4 * p.grad.abs().max().item() + 1e-6)
            n_grads += 1
    ok &= report_count("LoRA gradients", n_grads, sum(k.startswith("grad.") for k in ours))

    merged = model.merge_and_unload()
    n_merged = 0
    for name, p in merged.named_parameters():
        key = f"merged.{name}"
        if key in ours:
            # W + s·(B·A) rounds once per step, in an order that differs by build (FMA, unrolling):
            # the fixtures' atol 1e-6 plus a few float32 ulps of |W|, which is ~10 here.
            ok &= report(key, ours[key], p.detach(), 1e-6, 5e-7)
            n_merged += 1
    ok &= report_count("merged weights", n_merged, sum(k.startswith("merged.") for k in ours))
    print("PEFT round trip:", "OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
