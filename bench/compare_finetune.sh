#!/usr/bin/env bash
# Fine-tuning steps of a bert-base-sized model, full and LoRA: ours (bench/bench_finetune.cpp)
# against transformers + PEFT (bench/finetune_torch.py), each step shape in a process of its
# own so that peak RSS is that shape's. Prints ms, ours / torch (< 1 = we are faster), and the
# LoRA step's time as a fraction of the full step's.
#
#   PYTHON=/path/to/python3 bench/compare_finetune.sh [BUILD_DIR]
#   (BUILD_DIR default build, configured with -DBERTLAB_BENCH=ON; PYTHON needs torch, transformers, peft)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
python=${PYTHON:-python3}
results=()
for shape in "0 8 128" "1 8 384"; do
  for lora in 0 1; do
    set -- $shape
    filter="finetune_step/task:$1/B:$2/S:$3/lora:$lora/"
    ours=$("$build/bench/bertlab_bench" --benchmark_filter="$filter" --benchmark_format=json 2>/dev/null)
    torch=$("$python" bench/finetune_torch.py "$1" "$2" "$3" "$lora" 2>/dev/null)
    results+=("$shape $lora" "$ours" "$torch")
  done
done
"$python" - "${results[@]}" <<'PY'
import json, sys
args = sys.argv[1:]
rows = [(args[i].split(), json.loads(args[i + 1])["benchmarks"][0], json.loads(args[i + 2]))
        for i in range(0, len(args), 3)]
print(f"torch {rows[0][2]['torch_version']}")
print(f"{'step':22} {'bertlab ms':>10} {'torch ms':>9} {'ours/torch':>10} {'RSS ours MB':>11} {'RSS torch MB':>12}")
full = {}
for (task, B, S, lora), ours, torch in rows:
    name = f"{'qa' if task == '1' else 'seq-cls'} {B}x{S} {'LoRA' if lora == '1' else 'full'}"
    if lora == "0":
        full[(task, S)] = (ours["median_ms"], torch["ms"])
    print(f"{name:22} {ours['median_ms']:10.0f} {torch['ms']:9.0f} {ours['median_ms'] / torch['ms']:10.2f} "
          f"{ours['peak_rss_MB']:11.0f} {torch['peak_rss_MB']:12.0f}")
for (task, B, S, lora), ours, torch in rows:
    if lora == "1":
        o, t = full[(task, S)]
        print(f"LoRA / full step, {'qa' if task == '1' else 'seq-cls'} {B}x{S}: bertlab "
              f"{ours['median_ms'] / o:.2f}, torch {torch['ms'] / t:.2f}")
PY
