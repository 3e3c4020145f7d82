"""The training examples HF's run_mlm.py makes from a text file, for tests/finetune (block boundaries).

run_mlm.py (transformers 4.57.6, examples/pytorch/language-modeling) loads the file with datasets'
"text" loader (one example per line, empty lines kept), tokenizes every line with the model's fast
tokenizer and then either
  * --line_by_line off: group_texts, mapped over the dataset 1000 lines at a time (datasets' default
    batch size): the ids of the batch's lines concatenated and cut into blocks of max_seq_length,
    the tail of each batch dropped; or
  * --line_by_line on: blank lines dropped, every line truncated to max_seq_length.
The pinned venv has no `datasets`, so this script does the same steps with the same functions of
run_mlm.py written out (text.splitlines() for the loader, batches of 1000 for map), and writes the
examples' input_ids to tests/fixtures/mlm/blocks.json:
  {"tokenizer": "vocab/bert-base-uncased", "cases": [{"file", "max_seq_length", "line_by_line", "examples"}]}
Rerun:  $(scripts/golden-venv) tests/golden/make_mlm_blocks_golden.py
"""
import json
import os
from itertools import chain

from transformers import AutoTokenizer

ROOT = os.path.join(os.path.dirname(__file__), "..", "fixtures")
TOKENIZER = "vocab/bert-base-uncased"
CASES = [("mlm/corpus.txt", 32, False), ("mlm/corpus.txt", 32, True), ("mlm/corpus.txt", 8, False),
         ("mlm/many_lines.txt", 48, False)]
MAP_BATCH_SIZE = 1000  # datasets.Dataset.map(batched=True)'s default batch_size


def group_texts(examples, max_seq_length):  # run_mlm.py's, for the input_ids column
    concatenated = list(chain(*examples))
    total_length = (len(concatenated) // max_seq_length) * max_seq_length
    return [concatenated[i:i + max_seq_length] for i in range(0, total_length, max_seq_length)]


def examples_of(tokenizer, lines, max_seq_length, line_by_line):
    if line_by_line:
        lines = [line for line in lines if len(line) > 0 and not line.isspace()]
        return tokenizer(lines, padding=False, truncation=True, max_length=max_seq_length)["input_ids"]
    ids = tokenizer(lines)["input_ids"]
    return [block for start in range(0, len(ids), MAP_BATCH_SIZE)
            for block in group_texts(ids[start:start + MAP_BATCH_SIZE], max_seq_length)]


def main():
    tokenizer = AutoTokenizer.from_pretrained(os.path.join(ROOT, TOKENIZER))
    cases = []
    for file, max_seq_length, line_by_line in CASES:
        with open(os.path.join(ROOT, file), encoding="utf-8") as f:
            lines = f.read().splitlines()
        cases.append({"file": file, "max_seq_length": max_seq_length, "line_by_line": line_by_line,
                      "examples": examples_of(tokenizer, lines, max_seq_length, line_by_line)})
    with open(os.path.join(ROOT, "mlm", "blocks.json"), "w") as f:
        f.write('{"tokenizer": "%s", "cases": [\n' % TOKENIZER)
        f.write(",\n".join(json.dumps(case, separators=(",", ":")) for case in cases))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
