"""The twin of `bertlab pretrain` in HuggingFace transformers on PyTorch: the same text blocks as
run_mlm.py makes them, DataCollatorForLanguageModeling's masks, BertForMaskedLM from a config,
AdamW with linear warmup and decay, clipping at 1.0, and the same evaluation (masked-token loss and
accuracy on the first 5% of the lines). Put its eval lines beside a bertlab run on the same corpus:

    python3 bench/pretrain_hf.py --corpus books/*.txt --tokenizer DIR --config tiny|config.json
        [--steps 600 --batch-size 32 --max-length 128 --lr 1e-3 --warmup-ratio 0.06
         --eval-every 200 --seed 42 --threads 2]

Blocks: each line tokenized with [CLS] ... [SEP], concatenated and cut into --max-length blocks
per 1000 lines (datasets' map batch size), as bertlab's finetune/mlm_data.cpp. What differs: the
initial weights, the data order and the masks come from torch's and Python's generators, so the
curves agree in shape, not number for number. At the end: a fill-mask of two sentences and the
wall time. Not needed by the build or the tests (docs/pretraining.md quotes a run of its first
version, which cut the text into blocks in one piece).
"""
import argparse
import glob
import random
import time

import torch
from transformers import (BertConfig, BertForMaskedLM, BertTokenizerFast, DataCollatorForLanguageModeling,
                          get_linear_schedule_with_warmup)

SENTENCES = ["the little [MASK] ran into the woods.", "she opened the [MASK] and went into the garden."]


def blocks(tok, lines, length):
    out = []
    for start in range(0, len(lines), 1000):  # run_mlm.py's group_texts, one map batch at a time
        ids = [i for line in lines[start:start + 1000] for i in tok(line)["input_ids"]]
        out += [ids[i:i + length] for i in range(0, len(ids) - length + 1, length)]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", nargs="+", required=True)
    p.add_argument("--tokenizer", required=True, help="folder with vocab.txt")
    p.add_argument("--config", default="tiny", help="tiny (L=2, H=128), mini (L=4, H=256) or a config.json")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup-ratio", type=float, default=0.06)
    p.add_argument("--eval-every", type=int, default=200)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    tok = BertTokenizerFast(vocab_file=f"{a.tokenizer}/vocab.txt", do_lower_case=True)
    lines = []
    for pattern in a.corpus:
        for f in sorted(glob.glob(pattern)):
            lines += open(f, encoding="utf-8-sig").read().splitlines()
    held_out = len(lines) * 5 // 100
    train, evaluation = blocks(tok, lines[held_out:], a.max_length), blocks(tok, lines[:held_out], a.max_length)
    print(f"{len(train)} training and {len(evaluation)} evaluation blocks of {a.max_length} tokens")
    if a.config in ("tiny", "mini"):
        hidden, layers = (128, 2) if a.config == "tiny" else (256, 4)
        config = BertConfig(vocab_size=len(tok), hidden_size=hidden, num_hidden_layers=layers,
                            num_attention_heads=hidden // 64, intermediate_size=4 * hidden)
    else:
        config = BertConfig.from_json_file(a.config)
    model = BertForMaskedLM(config)
    collator = DataCollatorForLanguageModeling(tok, mlm_probability=0.15)
    optimizer = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(a.warmup_ratio * a.steps + 0.999), a.steps)
    start, order = time.time(), []
    for step in range(1, a.steps + 1):
        if len(order) < a.batch_size:
            order += random.sample(range(len(train)), len(train))  # a fresh shuffle every epoch
        rows, order = order[:a.batch_size], order[a.batch_size:]
        model.train()
        model(**collator([{"input_ids": train[i]} for i in rows])).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % a.eval_every == 0 or step == a.steps:
            model.eval()
            torch.manual_seed(0)  # the same masks at every evaluation
            count = correct = loss = 0
            with torch.no_grad():
                for i in range(0, len(evaluation), 64):
                    batch = collator([{"input_ids": e} for e in evaluation[i:i + 64]])
                    out = model(**batch)
                    chosen = batch["labels"] != -100
                    n = chosen.sum().item()
                    correct += (out.logits.argmax(-1)[chosen] == batch["labels"][chosen]).sum().item()
                    count, loss = count + n, loss + out.loss.item() * n
            print(f"step {step}: eval_loss {loss / count:.4f} eval_accuracy {correct / count:.4f}", flush=True)
    seconds = time.time() - start
    model.eval()
    for text in SENTENCES:
        enc = tok(text, return_tensors="pt")
        position = enc["input_ids"][0].tolist().index(tok.mask_token_id)
        with torch.no_grad():
            probs = model(**enc).logits[0, position].softmax(-1)
        top = probs.topk(5)
        print(text, [(tok.convert_ids_to_tokens(int(i)), round(float(v), 3)) for v, i in zip(top.values, top.indices)])
    print(f"train_seconds = {seconds:.1f}")


if __name__ == "__main__":
    main()
