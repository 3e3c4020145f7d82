"""Lab 04's training step in PyTorch, on the repository's tiny-bert, for tests/examples/test_lab04.cpp.

Runs the cells of docs/labs/en/04-training-step.md with transformers' BertForMaskedLM and
torch.optim.AdamW (the versions of tests/golden/requirements.txt) on tests/fixtures/models/tiny-bert,
and writes tests/fixtures/lab04/tiny-bert.json:
  text, label_text          the masked sentence and the one it comes from
  labels                    [S]: -100 everywhere but the [MASK], which holds the hidden word's id
  loss_before               the MLM loss (model.eval(): dropout off)
  grad_norms                [[name, p.grad.norm()], ...] in named_parameters() order
  adamw                     lr, betas, eps, weight_decay of the one optimizer.step()
  grad_l1                   sum over parameters of p.grad.abs().sum(): the first step's predicted drop / lr
  loss_after                the same loss after the step
Rerun:  $(scripts/golden-venv) tests/golden/make_lab04_golden.py  (make_fixtures.py runs it too)
"""
import argparse
import json
import os

import torch
from transformers import BertForMaskedLM, BertTokenizer

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
TEXT = "The scent of freshly baked [MASK] filled the kitchen"  # the notebook's In [15], sentence 5
LABEL_TEXT = "The scent of freshly baked cookies filled the kitchen"  # In [7]'s example2
ADAMW = {"lr": 5e-5, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}


def make(out):
    torch.manual_seed(0)  # nothing here is random; set anyway, so a change that adds randomness stays reproducible
    torch.set_num_threads(1)
    model_dir = os.path.join(out, "models", "tiny-bert")
    tokenizer = BertTokenizer.from_pretrained(model_dir)
    model = BertForMaskedLM.from_pretrained(model_dir)
    model.eval()  # dropout off, as the lab

    inputs = tokenizer(TEXT, return_tensors="pt")
    labels = tokenizer(LABEL_TEXT, return_tensors="pt")["input_ids"]
    labels = torch.where(inputs.input_ids == tokenizer.mask_token_id, labels, -100)
    loss = model(**inputs, labels=labels).loss
    loss.backward()
    grad_norms = [[name, p.grad.norm().item()] for name, p in model.named_parameters()]
    grad_l1 = sum(p.grad.double().abs().sum().item() for p in model.parameters())

    optimizer = torch.optim.AdamW(model.parameters(), lr=ADAMW["lr"], betas=tuple(ADAMW["betas"]),
                                  eps=ADAMW["eps"], weight_decay=ADAMW["weight_decay"])
    optimizer.step()
    with torch.no_grad():
        loss_after = model(**inputs, labels=labels).loss

    golden = {"text": TEXT, "label_text": LABEL_TEXT, "labels": labels[0].tolist(), "loss_before": loss.item(),
              "grad_norms": grad_norms, "adamw": ADAMW, "grad_l1": grad_l1, "loss_after": loss_after.item(),
              "torch_version": torch.__version__}
    os.makedirs(os.path.join(out, "lab04"), exist_ok=True)
    with open(os.path.join(out, "lab04", "tiny-bert.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=FIXTURES, help="the fixtures folder (reads its models/tiny-bert)")
    make(os.path.abspath(parser.parse_args().out))
