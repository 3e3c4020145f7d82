#!/usr/bin/env bash
# Training a WordPiece vocabulary, ours against HF tokenizers' Rust trainer on one thread
# (RAYON_NUM_THREADS=1), on the same ~5 MB corpus with the same arguments, one after the other;
# then checks that the vocab.txt files agree line for line (given HF's initial order, see
# docs/tokenizer.md) and prints the ratio HF time / our time (> 1 = we are faster).
#
#   bench/compare_wordpiece_trainer.sh [BUILD_DIR] [VOCAB_SIZE]     (default build, 30000)
# Needs a Python with tokenizers (PYTHON=..., default python3) and the Gutenberg books of
# ../shared/datasets/gutenberg-children (or $BERTLAB_GUTENBERG_DIR). Both times are wall time of
# the training call alone (files read, words counted, merges), HF's without Python's start-up.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
vocab_size=${2:-30000}
books=${BERTLAB_GUTENBERG_DIR:-../shared/datasets/gutenberg-children}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$books"/[0-9]*.txt | head -c 5000000 > "$work/corpus.txt" || true  # head closes the pipe early
echo "corpus: $(wc -c < "$work/corpus.txt") bytes from $books, vocab_size $vocab_size"

start=$(date +%s.%N)
"$build/examples/bertlab" train-tokenizer --corpus "$work/corpus.txt" --vocab-size "$vocab_size" --out "$work/ours" >/dev/null
ours=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")

hf=$(RAYON_NUM_THREADS=1 "${PYTHON:-python3}" - "$work/corpus.txt" "$vocab_size" "$work/hf" <<'PY'
import os, sys, time
from tokenizers import BertWordPieceTokenizer
corpus, vocab_size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tok = BertWordPieceTokenizer()
start = time.perf_counter()
tok.train([corpus], vocab_size=vocab_size, min_frequency=2, limit_alphabet=1000, show_progress=False,
          special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], wordpieces_prefix="##")
seconds = time.perf_counter() - start
os.makedirs(out)
tok.save_model(out)
print(seconds)
PY
)
"$build/examples/bertlab" train-tokenizer --corpus "$work/corpus.txt" --vocab-size "$vocab_size" --out "$work/check" \
  --initial-vocab "$work/hf/vocab.txt" >/dev/null
if cmp -s "$work/check/vocab.txt" "$work/hf/vocab.txt"; then same="identical"; else same="DIFFERENT"; fi
printf 'bertlab: %.2f s\nHF (1 thread): %.2f s\nHF / bertlab = %.2f; vocab.txt from HF'"'"'s initial order: %s\n' \
  "$ours" "$hf" "$(python3 -c "print($hf / $ours)")" "$same"
