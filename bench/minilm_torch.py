"""all-MiniLM-L6-v2 sentence embeddings per second in PyTorch + transformers: the twin of
bench/bench_minilm.cpp (batch 32 x 128 tokens, BertModel + mean pooling + normalize, 2 threads).

  /usr/bin/python3 bench/minilm_torch.py [MODEL_DIR]     (default: scripts/fetch-minilm's folder)
Prints one JSON line: {"sentences_per_second": ..., "seconds_per_batch": ..., versions...}.
"""
import json
import os
import subprocess
import sys
import time

import torch
import transformers
from transformers import BertModel

BATCH, TOKENS, THREADS = 32, 128, 2


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    model_dir = sys.argv[1] if len(sys.argv) > 1 else subprocess.check_output(
        [os.path.join(root, "scripts", "fetch-minilm")], text=True).strip()
    torch.set_num_threads(THREADS)
    model = BertModel.from_pretrained(model_dir).eval()
    gen = torch.Generator().manual_seed(0)
    input_ids = torch.randint(1000, model.config.vocab_size, (BATCH, TOKENS), generator=gen)
    input_ids[:, 0], input_ids[:, -1] = 101, 102  # [CLS] ... [SEP]
    attention_mask = torch.ones(BATCH, TOKENS, dtype=torch.long)

    def embed():
        hidden = model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state  # [B, S, H]
        mask = attention_mask.unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, p=2, dim=1)

    with torch.no_grad():
        embed()  # warm-up
        times = []
        start = time.perf_counter()
        while time.perf_counter() - start < 3.0 or len(times) < 2:  # like MinTime(3.0) in the C++ bench
            t0 = time.perf_counter()
            embed()
            times.append(time.perf_counter() - t0)
    seconds = sorted(times)[len(times) // 2]  # the median, as bench/timing.h's median_ms
    print(json.dumps({"sentences_per_second": BATCH / seconds, "seconds_per_batch": seconds,
                      "iterations": len(times), "threads": torch.get_num_threads(),
                      "torch_version": torch.__version__, "transformers_version": transformers.__version__}))


if __name__ == "__main__":
    main()
