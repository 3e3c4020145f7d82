#!/usr/bin/env bash
# bert-base forward and MLM training step: ours against transformers on PyTorch on 2 threads,
# then time ours / torch per shape (< 1 = we are faster), GFLOP/s (matmul FLOPs), each side's
# fraction of the roofline's bound (bench/roofline.h: 1 = at this machine's limit) and peak memory.
#
#   PYTHON=/path/to/python3 ROUNDS=3 bench/compare_bert.sh [BUILD_DIR]
#   (BUILD_DIR default build, configured with -DBERTLAB_BENCH=ON; PYTHON has torch +
#   transformers, default python3)
# The two sides take turns, ROUNDS times (default 3), so that a slow spell of a shared machine
# hits both; each round gives one ratio per shape, and the table shows their median.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
# The machine's FMA peak and memory bandwidth, in a process of its own (its buffer would count in
# the others' peak RSS).
roofline=$("$build/bench/bertlab_bench" --benchmark_filter='^roofline' --benchmark_format=json 2>/dev/null)
runs=()
for _ in $(seq "${ROUNDS:-3}"); do
  runs+=("$("$build/bench/bertlab_bench" --benchmark_filter='bert_' --benchmark_format=json 2>/dev/null)")
  runs+=("$("${PYTHON:-python3}" bench/bert_torch.py 2>/dev/null)")
done
python3 - "$roofline" "${runs[@]}" <<'PY'
import json, statistics, sys
machine = json.loads(sys.argv[1])["benchmarks"][0]
peak, bandwidth, int8_peak = machine["peak_GFLOP/s"], machine["GB/s"], machine["int8_peak_GOP/s"]
rounds = [(json.loads(sys.argv[i])["benchmarks"], json.loads(sys.argv[i + 1])) for i in range(2, len(sys.argv), 2)]
print(f"{len(rounds)} rounds; medians over the rounds; torch {rounds[0][1]['torch_version']}")
print(f"roofline: FMA peak {peak:.0f} GFLOP/s, int8 peak {int8_peak:.0f} GOP/s, memory {bandwidth:.1f} GB/s, {machine['label']} "
      f"({machine['threads']:.0f} threads); 'of bound' = max(FLOPs / peak, bytes / bandwidth) / time, with the "
      "int8 peak for the int8 rows and twice the FMA peak for the bf16 rows (all their FLOPs counted at it, "
      "though attention stays float32)")
print(f"{'shape':28} {'bertlab ms':>11} {'torch ms':>9} {'ours/torch':>10} {'GFLOP/s ours':>12} {'torch':>6} "
      f"{'of bound ours':>13} {'torch':>6}  per round")
for n, b in enumerate(rounds[0][0]):
    name = b["name"].split("/")
    B, S = name[1].split(":")[1], name[2].split(":")[1]
    int8, bf16 = "int8" in name[0], "bf16" in name[0]
    kind = name[0][len("BM_bert_"):]  # forward, forward_int8, forward_bf16, mlm_train_step
    key = f"{kind}_{B}_{S}"
    ours = [r[0][n]["median_ms"] for r in rounds]
    torch = [r[1][key] for r in rounds]
    ratios = [o / t for o, t in zip(ours, torch)]
    mflop = b["MFLOP"]  # the matmul FLOPs of one iteration, in millions
    # MFLOP / (GFLOP/s) = ms, MB / (GB/s) = ms; no int8 peak measured (no VNNI): no fraction.
    # bf16's dot product does 2 products per lane where an FMA does 1: twice the FMA peak.
    row_peak = int8_peak if int8 else 2 * peak if bf16 else peak
    bound_ms = max(mflop / row_peak, b["MB"] / bandwidth) if row_peak else 0.0
    print(f"{name[0][3:] + ' ' + B + 'x' + S:28} {statistics.median(ours):11.1f} {statistics.median(torch):9.1f} "
          f"{statistics.median(ratios):10.2f} {mflop / statistics.median(ours):12.0f} "
          f"{mflop / statistics.median(torch):6.0f} {bound_ms / statistics.median(ours):13.2f} "
          f"{bound_ms / statistics.median(torch):6.2f}  {' '.join(f'{r:.2f}' for r in ratios)}")
rss_ours = max(b["peak_rss_MB"] for r in rounds for b in r[0])
rss_torch = max(r[1]["peak_rss_MB"] for r in rounds)
print(f"peak RSS: bertlab {rss_ours:.0f} MB, torch {rss_torch:.0f} MB")
PY
