#!/usr/bin/env bash
# bert-base forward and MLM training step: ours against transformers on PyTorch, one after the
# other on 2 threads, then time ours / torch per shape (< 1 = we are faster) and peak memory.
#
#   PYTHON=/path/to/python3 bench/compare_bert.sh [BUILD_DIR]   (default build, configured with
#   -DBERTLAB_BENCH=ON; PYTHON has torch + transformers, default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ours=$("$build/bench/bertlab_bench" --benchmark_filter='bert_' --benchmark_format=json 2>/dev/null)
torch=$("${PYTHON:-python3}" bench/bert_torch.py 2>/dev/null)
python3 - "$ours" "$torch" <<'PY'
import json, sys
ours, torch = json.loads(sys.argv[1])["benchmarks"], json.loads(sys.argv[2])
print(f"{'shape':28} {'bertlab ms':>11} {'torch ms':>9} {'ours/torch':>10} {'GFLOP/s':>8}")
for b in ours:
    name = b["name"].split("/")
    B, S = name[1].split(":")[1], name[2].split(":")[1]
    key = ("forward" if "forward" in name[0] else "mlm_train_step") + f"_{B}_{S}"
    print(f"{name[0][3:] + ' ' + B + 'x' + S:28} {b['median_ms']:11.1f} {torch[key]:9.1f} "
          f"{b['median_ms'] / torch[key]:10.2f} {b['GFLOP/s']:8.1f}")
print(f"peak RSS: bertlab {max(b['peak_rss_MB'] for b in ours):.0f} MB, torch {torch['peak_rss_MB']:.0f} MB")
PY
