"""One fine-tuning step of bench/bench_finetune.cpp in transformers + PEFT on PyTorch: a
bert-base-sized model with random weights, forward with labels, backward, AdamW (no weight
decay on biases and LayerNorm weights), dropout on, 2 threads, fp32.

    python3 bench/finetune_torch.py TASK B S LORA [GC]  # TASK 0 = seq-cls, 1 = QA; LORA, GC 0 or 1
    (GC 1: model.gradient_checkpointing_enable(), each layer recomputed in backward)

Prints one JSON object {"ms": median step time, "peak_rss_MB": ..}; run one step shape per
process so the peak RSS is that shape's. Not needed by the build or the tests."""
import json
import resource
import sys
import time

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertForSequenceClassification

from bert_torch import best_ms  # the median of repeated runs after a warm-up


def main():
    task, B, S, lora = (int(a) for a in sys.argv[1:5])
    checkpointing = len(sys.argv) > 5 and sys.argv[5] == "1"
    torch.set_num_threads(2)
    torch.manual_seed(0)
    config = BertConfig()  # bert-base-uncased's sizes
    ids = torch.randint(1000, config.vocab_size, (B, S))
    if task == 0:
        model = BertForSequenceClassification(config)
        batch = {"input_ids": ids, "labels": torch.randint(0, 2, (B,))}
        task_type = "SEQ_CLS"
    else:
        model = BertForQuestionAnswering(config)
        batch = {"input_ids": ids, "start_positions": torch.randint(0, S, (B,)),
                 "end_positions": torch.randint(0, S, (B,))}
        task_type = "QUESTION_ANS"
    if checkpointing:
        model.gradient_checkpointing_enable()  # before PEFT wraps it, as run_qa.py's Trainer does
    if lora:
        from peft import LoraConfig, get_peft_model
        model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["query", "value"],
                                                 task_type=task_type))
    model.train()
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    no_decay = lambda n: n.endswith("bias") or "LayerNorm" in n
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in named if not no_decay(n)], "weight_decay": 0.01},
        {"params": [p for n, p in named if no_decay(n)], "weight_decay": 0.0}], lr=2e-5)

    def step():
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    ms = best_ms(step, 10.0)
    json.dump({"ms": ms, "peak_rss_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "torch_version": torch.__version__}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
