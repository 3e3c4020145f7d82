#!/usr/bin/env bash
# all-MiniLM-L6-v2 embedding throughput, ours against PyTorch, measured one after the other
# (batch 32 x 128 tokens, 2 threads each), then the ratio ours / torch (> 1 = we are faster) and
# each side's fraction of the roofline's bound (bench/roofline.h: 1 = this machine's limit).
#
#   bench/compare_minilm.sh [BUILD_DIR]      (default build; configured with -DBERTLAB_BENCH=ON)
# Needs the fetched model (scripts/fetch-minilm) and a Python with torch + transformers (PYTHON=..., default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
model=$(scripts/fetch-minilm)
roofline=$("$build/bench/bertlab_bench" --benchmark_filter='^roofline' --benchmark_format=json 2>/dev/null)
ours=$("$build/bench/bertlab_bench" --benchmark_filter=minilm --benchmark_format=json 2>/dev/null)
torch=$("${PYTHON:-python3}" bench/minilm_torch.py "$model" 2>/dev/null)
python3 - "$ours" "$torch" "$roofline" <<'PY'
import json, sys
bench = json.loads(sys.argv[1])["benchmarks"][0]
machine = json.loads(sys.argv[3])["benchmarks"][0]
if bench.get("error_occurred"):
    sys.exit("bertlab: " + bench.get("error_message", "benchmark failed"))
ours, torch = 32e3 / bench["median_ms"], json.loads(sys.argv[2])
print(f"bertlab: {ours:8.1f} sentences/s  ({bench['median_ms']:.0f} ms per batch of 32 x 128 tokens)")
print(f"torch:   {torch['sentences_per_second']:8.1f} sentences/s  ({1000 * torch['seconds_per_batch']:.0f} ms per batch,"
      f" torch {torch['torch_version']}, transformers {torch['transformers_version']})")
print(f"ours / torch = {ours / torch['sentences_per_second']:.2f}")
bound_ms = max(bench["MFLOP"] / machine["peak_GFLOP/s"], bench["MB"] / machine["GB/s"])
print(f"roofline: FMA peak {machine['peak_GFLOP/s']:.0f} GFLOP/s, memory {machine['GB/s']:.1f} GB/s, {machine['label']}; of the bound "
      f"{bound_ms:.0f} ms: bertlab {bound_ms / bench['median_ms']:.2f}, torch {bound_ms / (1000 * torch['seconds_per_batch']):.2f}")
PY
