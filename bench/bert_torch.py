"""The shapes of bench/bench_bert.cpp in HuggingFace transformers on PyTorch, 2 threads, fp32,
random bert-base weights: BertModel forward (no grad), the same model after
torch.ao.quantization.quantize_dynamic (int8 Linears, per-channel weights as bertlab's) and under
torch.autocast("cpu", torch.bfloat16) (bf16 Linears as bertlab's bf16; autocast also runs
attention's matmuls in bf16, which bertlab keeps float32), and a
BertForMaskedLM forward + backward.
Prints one JSON object: {"forward_B_S": ms, ..., "forward_int8_B_S": ms, "forward_bf16_B_S": ms, ...,
"mlm_train_step_8_128": ms, "peak_rss_MB": ..}.
Run with the Python that has torch + transformers (e.g. /usr/bin/python3 with Debian's
python3-torch). Not needed by the build or the tests."""
import json
import resource
import sys
import time

import torch
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
from transformers import BertConfig, BertForMaskedLM, BertModel


def best_ms(fn, min_seconds):
    fn()  # warm-up
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < min_seconds or len(times) < 3:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * sorted(times)[len(times) // 2]  # median


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    config = BertConfig()  # bert-base-uncased's sizes
    results = {"torch_version": torch.__version__}
    model = BertModel(config).eval()
    quantized = quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
    for key, m, dtype in [("forward", model, None), ("forward_int8", quantized, None), ("forward_bf16", model, torch.bfloat16)]:
        for b, s in [(1, 26), (1, 128), (8, 128), (1, 512)]:
            ids = torch.randint(1000, config.vocab_size, (b, s))
            with torch.no_grad(), torch.autocast("cpu", dtype=dtype or torch.bfloat16, enabled=dtype is not None):
                results[f"{key}_{b}_{s}"] = best_ms(lambda: m(ids), 2.0)
    del model, quantized
    mlm = BertForMaskedLM(config).train()
    ids = torch.randint(1000, config.vocab_size, (8, 128))
    labels = torch.full_like(ids, -100)
    labels.view(-1)[::7] = ids.view(-1)[::7]

    def step():
        mlm.zero_grad()
        mlm(input_ids=ids, labels=labels).loss.backward()

    results["mlm_train_step_8_128"] = best_ms(step, 5.0)
    results["peak_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
