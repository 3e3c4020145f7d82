#!/usr/bin/env bash
# Fine-tuning steps of a bert-base-sized model, full and LoRA: ours (bench/bench_finetune.cpp)
# against transformers + PEFT (bench/finetune_torch.py), each step shape in a process of its
# own so that peak RSS is that shape's. Prints ms, ours / torch (< 1 = we are faster), the
# LoRA step's time as a fraction of the full step's, and what gradient checkpointing costs in
# time and saves in memory (QA 8×384, full), and each side's fraction of the roofline's bound
# (bench/roofline.h: 1 = at this machine's limit).
#
#   PYTHON=/path/to/python3 ROUNDS=2 bench/compare_finetune.sh [BUILD_DIR]
#   (BUILD_DIR default build, configured with -DBERTLAB_BENCH=ON; PYTHON needs torch, transformers, peft)
# The two sides take turns, ROUNDS times (default 2), so that a slow spell of a shared machine
# hits both; the table shows the medians over the rounds and each round's ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
python=${PYTHON:-python3}
roofline=$("$build/bench/bertlab_bench" --benchmark_filter='^roofline' --benchmark_format=json 2>/dev/null)
results=()
for _ in $(seq "${ROUNDS:-2}"); do
  for run in "0 8 128 0 0" "0 8 128 1 0" "1 8 384 0 0" "1 8 384 1 0" "1 8 384 0 1"; do
    set -- $run  # task B S lora gc
    filter="finetune_step/task:$1/B:$2/S:$3/lora:$4/gc:$5/"
    ours=$("$build/bench/bertlab_bench" --benchmark_filter="$filter" --benchmark_format=json 2>/dev/null)
    torch=$("$python" bench/finetune_torch.py "$1" "$2" "$3" "$4" "$5" 2>/dev/null)
    results+=("$run" "$ours" "$torch")
  done
done
"$python" - "$roofline" "${results[@]}" <<'PY'
import json, statistics, sys
from collections import defaultdict
machine = json.loads(sys.argv[1])["benchmarks"][0]
peak, bandwidth = machine["peak_GFLOP/s"], machine["GB/s"]
args = sys.argv[2:]
runs = defaultdict(list)  # (task, B, S, lora, gc) -> [(ours, torch)] per round
for i in range(0, len(args), 3):
    runs[tuple(args[i].split())].append((json.loads(args[i + 1])["benchmarks"][0], json.loads(args[i + 2])))
first = next(iter(runs.values()))
print(f"{len(first)} rounds; medians over the rounds; torch {first[0][1]['torch_version']}")
print(f"roofline: FMA peak {peak:.0f} GFLOP/s, memory {bandwidth:.1f} GB/s, {machine['label']}; "
      "'of bound' = max(FLOPs / peak, bytes / bandwidth) / time")
print(f"{'step':22} {'bertlab ms':>10} {'torch ms':>9} {'ours/torch':>10} {'RSS ours MB':>11} {'RSS torch MB':>12} "
      f"{'of bound ours':>13} {'torch':>6}  per round")
median_ms, rss = {}, {}
for (task, B, S, lora, gc), pairs in runs.items():
    name = f"{'qa' if task == '1' else 'seq-cls'} {B}x{S} {'LoRA' if lora == '1' else 'full'}{' gc' if gc == '1' else ''}"
    ours = [o["median_ms"] for o, _ in pairs]
    torch = [t["ms"] for _, t in pairs]
    ratios = [o / t for o, t in zip(ours, torch)]
    key = (task, S, lora, gc)
    median_ms[key] = (statistics.median(ours), statistics.median(torch))
    rss[key] = (max(o["peak_rss_MB"] for o, _ in pairs), max(t["peak_rss_MB"] for _, t in pairs))
    bound_ms = max(pairs[0][0]["MFLOP"] / peak, pairs[0][0]["MB"] / bandwidth)
    print(f"{name:22} {median_ms[key][0]:10.0f} {median_ms[key][1]:9.0f} {statistics.median(ratios):10.2f} "
          f"{rss[key][0]:11.0f} {rss[key][1]:12.0f} {bound_ms / median_ms[key][0]:13.2f} {bound_ms / median_ms[key][1]:6.2f}  "
          f"{' '.join(f'{r:.2f}' for r in ratios)}")
for (task, B, S, lora, gc) in runs:
    if lora == "1":
        (o_lora, t_lora), (o_full, t_full) = median_ms[(task, S, "1", "0")], median_ms[(task, S, "0", "0")]
        print(f"LoRA / full step, {'qa' if task == '1' else 'seq-cls'} {B}x{S}: bertlab "
              f"{o_lora / o_full:.2f}, torch {t_lora / t_full:.2f}")
    if gc == "1":
        plain, checkpointed = (task, S, lora, "0"), (task, S, lora, "1")
        print(f"gradient checkpointing, {'qa' if task == '1' else 'seq-cls'} {B}x{S}: time x"
              f"{median_ms[checkpointed][0] / median_ms[plain][0]:.2f} bertlab, x"
              f"{median_ms[checkpointed][1] / median_ms[plain][1]:.2f} torch; peak RSS bertlab "
              f"{rss[checkpointed][0]:.0f} MB = {rss[checkpointed][0] / rss[plain][1]:.2f} of torch's without, "
              f"{rss[checkpointed][0] / rss[checkpointed][1]:.2f} of torch's with")
PY
