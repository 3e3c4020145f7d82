#!/usr/bin/env python3
"""Builds tests/fixtures/, the golden reference data of bertlab's parity tests, with HuggingFace's
own classes: transformers' slow BertTokenizer, BertForMaskedLM / BertForSequenceClassification /
BertForQuestionAnswering / BertModel, and PEFT's get_peft_model + LoraConfig.

    python3 -m venv /opt/fixvenv
    /opt/fixvenv/bin/pip install -r tests/golden/requirements.txt
    /opt/fixvenv/bin/python tests/golden/make_fixtures.py [--out tests/fixtures]

The result is deterministic: the same versions give byte-identical files (CPU, one thread, fixed
seeds, files written in sorted order). What it writes, each folder with a README.md:

    vocab/bert-base-uncased/   vocab.txt + NOTICE.md (committed, Apache-2.0: read, not made) + tokenizer_config.json
    tokenizer/cases.jsonl      the inputs of tests/golden/tokenizer_inputs.jsonl, with HF's results
    models/tiny-bert/          BertForMaskedLM on a small vocabulary: outputs, loss, gradients, AdamW
    models/tiny-bert-heads/    seq-cls/ and qa/: the same backbone with each head
    models/tiny-bert-lora/     a PEFT LoRA adapter on tiny-bert: outputs, LoRA gradients, merges, AdamW
    models/small-vocab-heads/  token-cls/, multiple-choice/, nsp/, pretraining/: the other heads on a
                               backbone with a ~100-token vocab (outputs, loss, every gradient)
    lab04/tiny-bert.json       lab 04's training step on tiny-bert (make_lab04_golden.py)
"""
import argparse
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unicodedata

import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

import peft  # noqa: E402
import safetensors  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from safetensors import safe_open  # noqa: E402
from transformers import (BertConfig, BertForMaskedLM, BertForMultipleChoice,  # noqa: E402
                          BertForNextSentencePrediction, BertForPreTraining, BertForQuestionAnswering,
                          BertForSequenceClassification, BertForTokenClassification, BertModel, BertTokenizer,
                          BertTokenizerFast)

import make_lab04_golden  # noqa: E402  (tests/golden/, beside this script)

transformers.logging.set_verbosity_error()

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# bert-base-uncased's vocab.txt (+ its NOTICE.md) is committed once, in the fixtures: an input here.
VOCAB_SOURCE = os.path.join(REPO, "tests", "fixtures", "vocab", "bert-base-uncased")
TOKENIZER_INPUTS = os.path.join(HERE, "tokenizer_inputs.jsonl")

SEED_BACKBONE, SEED_SEQCLS, SEED_QA, SEED_LORA = 20240601, 20240602, 20240603, 20240604
SEED_SMALL_VOCAB = 20240605
# The first 1996 lines of bert-base-uncased's vocab.txt are [PAD], [unused*], [UNK], [CLS], [SEP],
# [MASK] and the single characters (with their ## forms); words start at 1996 ("the"). The tiny
# models keep all of those, so the special ids (0, 100..103) and every character stay as in
# bert-base-uncased, and add only the words of the texts below.
CHARACTER_LINES = 1996
# Every text a test or the lab runs through the tiny models: their words are in the small vocab,
# so they tokenize exactly as with bert-base-uncased (WordPiece on a subset that holds every
# piece of the full tokenization gives the same pieces).
MODEL_TEXTS = [
    "This is a test sentence", "The cat sat on the mat", "It was happy", "Hello world!",
    "Where is the cat?", "The cat is on the mat.", "Who is happy?", "The sky is blue.",
    "What color is the sky?",
    # the lab (examples/lab01_tokenizer.cpp, lab03_masked_lm.cpp)
    "During the weekend, our team participated in a hackathon, where we developed an innovative app "
    "for tracking daily water intake",
    "My dog is barking over the door", "The scent of freshly baked cookies filled the kitchen",
    "The [MASK] slept peacefully on the warm, sunlit windowsill",
    "[MASK] smiled brightly at her reflection in the mirror",
    "The [MASK] eagerly wagged its tail, waiting for a treat",
    "The [MASK] lay open on the table, its pages fluttering in the breeze",
    "The scent of freshly baked [MASK] filled the kitchen",
    # tests (fill-mask, CLI, pictures)
    "No mask here.", 'if a < b & "c" then', "it's <done>",
]

# ---- small helpers -------------------------------------------------------------------------------


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_json(path, obj):
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_tensors(path, tensors, metadata):
    """A .safetensors file with a reproducible header: tensors in name order, JSON keys sorted.
    (safetensors' own save_file keeps the metadata in a hash map, whose order changes from run to run.)
    Checked by reading it back with safetensors.safe_open."""
    header, blobs, offset = {"__metadata__": dict(sorted(metadata.items()))}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes()  # little-endian on every machine torch runs on here
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + b"".join(blobs))
    with safe_open(path, framework="pt") as f:
        assert f.metadata() == metadata and sorted(f.keys()) == sorted(tensors)
        for name in tensors:
            assert torch.equal(f.get_tensor(name), tensors[name].detach().cpu()), name


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def size_str(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def files_table(folder):
    rows = ["| file | size | sha256 (prefix) |", "| --- | --- | --- |"]
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and name != "README.md":
            rows.append(f"| `{name}` | {size_str(os.path.getsize(path))} | `{sha256(path)[:16]}…` |")
    return "\n".join(rows)


def versions():
    return (f"Python {sys.version.split()[0]}, torch {torch.__version__}, transformers {transformers.__version__}, "
            f"tokenizers {tokenizers.__version__}, peft {peft.__version__}, safetensors {safetensors.__version__}")


HOW_MADE = ("Generated by `tests/golden/make_fixtures.py` ({versions}; float32, CPU, `torch.set_num_threads(1)`, "
            "deterministic algorithms), pinned in `tests/golden/requirements.txt`. Rerunning it gives "
            "byte-identical files. Do not edit by hand: change the script and rerun it (tests/golden/README.md).")

TOLERANCES = """## Tolerances (compare every element, padded positions included)
* every forward tensor (embedding_output, hidden_states.*, last_hidden_state, pooler_output, attentions.*, debug.*, *_logits): **allclose(rtol=1e-5, atol=1e-5), i.e. |mine - gold| <= 1e-5 + 1e-5*|gold| elementwise**
* losses (*_loss, oor.qa_loss, adamw*.loss_before; scalars): **|mine - gold| <= 1e-5 + 1e-6*|gold|**
* grad.* (per tensor t): **max|mine - gold| <= 1e-4 * max|gold_t| + 1e-6 (the 1e-6 floor covers the mathematically-zero gradients listed under Semantics)**
* merged.* (LoRA merge): **allclose(rtol=0, atol=1e-6)**
* adamw1.*/adamw2.* end-to-end (your gradients feed your AdamW): **elementwise, split by the golden step-1 gradient g = grad.<same param>: where |g| >= 1e-6: |d| <= 1e-5; where |g| < 1e-6: |d| <= 2e-3 (= 2*lr: the update g/(|g|+eps) of such entries is float noise)**
* adamw1.* optimizer-only (feed the golden grad.* to your AdamW): **allclose(rtol=0, atol=1e-6)**
(tests/support/golden.h and tests/nn/test_optim.cpp apply exactly these rules.)
"""

SEMANTICS = """## Semantics (transformers modeling_bert.py, eval mode, eager attention)
* Dropout is identity (`model.eval()`, also while computing gradients and AdamW steps).
* Embeddings: `LayerNorm(word[ids] + token_type[tt] + position[arange(S)])`, eps 1e-12, biased variance.
* Attention: scores = Q K^T / sqrt(head_dim) + (1 - attention_mask)[:, None, None, :] * finfo(float32).min;
  softmax over keys; heads split as view(B, S, nH, dH).permute(0, 2, 1, 3).
* Post-norm residuals; GELU is the exact erf form (`hidden_act: "gelu"`); nn.Linear stores [out, in].
* Padded positions are computed like any other (their queries still attend to the real tokens): compare them too.
* word_embeddings has padding_idx 0: the lookup's gradient never reaches row 0 ([PAD]).
* Mathematically-zero gradients: every `attention.self.key.bias` (it adds the same number to a whole row of
  scores, which the softmax ignores); the stored values are float32 round-off: only compare them absolutely.
"""


# ---- vocabularies ----------------------------------------------------------------------------------

def read_vocab(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def slow_tokenizer(folder):
    return BertTokenizer.from_pretrained(folder, do_lower_case=True, model_max_length=512,
                                         clean_up_tokenization_spaces=True)


def build_small_vocab(full_folder):
    full = slow_tokenizer(full_folder)
    ids = set(range(CHARACTER_LINES))
    for text in MODEL_TEXTS:
        ids.update(full(text, add_special_tokens=False)["input_ids"])
    words = read_vocab(os.path.join(full_folder, "vocab.txt"))
    return [words[i] for i in sorted(ids)]


def write_vocab_folder(out):
    folder = os.path.join(out, "vocab", "bert-base-uncased")
    os.makedirs(folder, exist_ok=True)
    for name in ("vocab.txt", "NOTICE.md"):
        if os.path.abspath(folder) != os.path.abspath(VOCAB_SOURCE):
            shutil.copyfile(os.path.join(VOCAB_SOURCE, name), os.path.join(folder, name))
    write_json(os.path.join(folder, "tokenizer_config.json"), {"do_lower_case": True, "model_max_length": 512})
    write_text(os.path.join(folder, "README.md"), f"""# vocab/bert-base-uncased

bert-base-uncased's WordPiece vocabulary (30,522 lines, id = 0-based line number; Apache-2.0, see
NOTICE.md), with the `tokenizer_config.json` of the Hub's bert-base-uncased (`do_lower_case: true`,
`model_max_length: 512`). The tokenizer fixtures (../../tokenizer) are HF's results on this folder;
the small vocabularies of the tiny models (../../models) are taken from it.

{HOW_MADE.format(versions=versions())}

{files_table(folder)}
""")
    return folder


# ---- tokenizer cases -------------------------------------------------------------------------------

def segment_offsets(slow, fast, text):
    """Offsets of the tokens of one text (no special tokens) from the Rust tokenizer, since the slow one
    has none, after checking that it gives the slow tokenizer's ids. Unassigned code points (Cn), which
    only the slow tokenizer deletes, are replaced by U+200B (a format character both delete): one code
    point for one, so no offset moves."""
    clean = "".join("\u200b" if unicodedata.category(c) == "Cn" else c for c in text)
    enc = fast(clean, add_special_tokens=False, return_offsets_mapping=True)
    ids = slow(text, add_special_tokens=False)["input_ids"]
    if enc["input_ids"] != ids:
        raise SystemExit(f"fast and slow tokenizers disagree on {text!r}: cannot take offsets from the fast one")
    return ids, [list(span) for span in enc["offset_mapping"]]


def row_offsets(slow, fast, ids, special_mask, text, pair, add_special):
    """Lays the segments' offsets onto one encoded row: [0, 0] where special_tokens_mask is 1 (added
    [CLS]/[SEP] and padding), else the next token of segment A, then of segment B (each possibly cut
    from the right by truncation)."""
    a_ids, a_off = segment_offsets(slow, fast, text)
    b_ids, b_off = segment_offsets(slow, fast, pair) if pair is not None else ([], [])
    positions = [i for i, m in enumerate(special_mask) if m == 0]
    seq = [ids[i] for i in positions]
    if pair is not None and add_special:  # [CLS] A [SEP] B [SEP]: A ends at the first [SEP]
        first_sep = next(i for i in range(1, len(ids)) if special_mask[i])
        splits = [sum(1 for i in positions if i < first_sep)]
    else:  # A B without separators (or no pair): every split that fits
        splits = [k for k in range(len(seq) + 1) if seq[:k] == a_ids[:k] and seq[k:] == b_ids[:len(seq) - k]
                  and (pair is not None or k == len(seq))]
    answers = {json.dumps(a_off[:k] + b_off[:len(seq) - k]) for k in splits}
    if len(answers) != 1:
        raise SystemExit(f"cannot place the segments of {text!r} / {pair!r} in {ids}")
    offsets = iter(json.loads(answers.pop()))
    return [[0, 0] if m else next(offsets) for m in special_mask]


def run_tokenizer_case(slow, fast, case):
    if "decode" in case:
        d = case["decode"]
        return slow.decode(d["ids"], skip_special_tokens=d["skip_special_tokens"])
    call = case["call"]
    kwargs = dict(add_special_tokens=call["add_special_tokens"], padding=call["padding"],
                  truncation=call["truncation"], max_length=call["max_length"],
                  return_special_tokens_mask=True)
    enc = slow(call["text"], call.get("text_pair"), **kwargs)
    batch = isinstance(call["text"], list)
    tokens = [slow.convert_ids_to_tokens(row) for row in enc["input_ids"]] if batch \
        else slow.convert_ids_to_tokens(enc["input_ids"])
    pair = call.get("text_pair")
    if batch:
        pairs = pair if pair is not None else [None] * len(call["text"])
        offsets = [row_offsets(slow, fast, i, m, t, p, call["add_special_tokens"]) for i, m, t, p in
                   zip(enc["input_ids"], enc["special_tokens_mask"], call["text"], pairs)]
    else:
        offsets = row_offsets(slow, fast, enc["input_ids"], enc["special_tokens_mask"], call["text"], pair,
                              call["add_special_tokens"])
    return {"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
            "attention_mask": enc["attention_mask"], "tokens": tokens, "offset_mapping": offsets,
            "special_tokens_mask": enc["special_tokens_mask"]}


def make_tokenizer_cases(out, vocab_folder):
    slow = slow_tokenizer(vocab_folder)
    fast = BertTokenizerFast.from_pretrained(vocab_folder, do_lower_case=True, model_max_length=512,
                                             clean_up_tokenization_spaces=True)
    lines, n_encode, n_decode = [], 0, 0
    with open(TOKENIZER_INPUTS, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            case["expected"] = run_tokenizer_case(slow, fast, case)
            n_decode += "decode" in case
            n_encode += "call" in case
            ordered = {k: case[k] for k in ("id", "call", "decode", "expected", "note") if k in case}
            lines.append(json.dumps(ordered, ensure_ascii=True))
    folder = os.path.join(out, "tokenizer")
    write_text(os.path.join(folder, "cases.jsonl"), "\n".join(lines) + "\n")
    write_text(os.path.join(folder, "README.md"), f"""# tokenizer: HuggingFace's slow `BertTokenizer` on bert-base-uncased

`cases.jsonl`: {len(lines)} cases ({n_encode} encode, {n_decode} decode). The inputs are
`tests/golden/tokenizer_inputs.jsonl`; every `expected` is what transformers' pure-Python
`BertTokenizer` (the "slow" tokenizer of transformers 4.x) returns for
`BertTokenizer.from_pretrained("../vocab/bert-base-uncased")` (`do_lower_case` true,
`model_max_length` 512, `clean_up_tokenization_spaces` true). The slow tokenizer has no offsets:
`offset_mapping` puts `[0, 0]` where `special_tokens_mask` is 1 and, on the other positions, the
offsets `BertTokenizerFast` (Rust `tokenizers`) gives each segment's tokens (text alone, no special
tokens), after checking that it gives the slow tokenizer's ids for that segment. Unassigned code
points (Cn), which only the slow tokenizer deletes, are replaced by U+200B (which both delete) there.
(The fast tokenizer is not asked for whole calls: it truncates and pairs differently in corner cases.)

{HOW_MADE.format(versions=versions())}

{files_table(folder)}

## Schema (JSON Lines, one case per line; keys not listed here are to be ignored)
* `id`: unique name; `note`: a human-readable description.
* Encode case: `call` holds the arguments of `tokenizer(...)`: `text` (a string, or an array = a batch),
  `text_pair` (absent, a string, or an array for a batch of pairs), `add_special_tokens` (bool),
  `padding` (`false`, `true`, `"longest"`, `"max_length"`, `"do_not_pad"`), `truncation` (`null` = not passed,
  `false`, `true`, `"longest_first"`, `"only_first"`, `"only_second"`, `"do_not_truncate"`), `max_length`
  (`null` = not passed, or an integer), `return_offsets_mapping` / `return_special_tokens_mask` (always true).
  `expected` holds six parallel arrays, flat for one example and one row per example for a batch:
  `input_ids`, `token_type_ids`, `attention_mask`, `tokens` (vocab[id], padding as `[PAD]`),
  `offset_mapping` (`[start, end)` in Unicode code points of the original text, `[0, 0]` for added
  `[CLS]`/`[SEP]` and padding; in a pair, segment-B offsets index `text_pair`), `special_tokens_mask`.
* Decode case: `decode` = `{{"ids": [...], "skip_special_tokens": bool}}`, `expected` = the string
  `tokenizer.decode(ids, skip_special_tokens=...)` returns.
* Strings escape every non-ASCII character (`ensure_ascii`); code points above U+FFFF are surrogate pairs.

The algorithm these cases pin down is explained in docs/tokenizer.md.

## Tolerance
None: every case must come out exactly equal, key by key (tests/tokenizer/test_golden_cases.cpp,
tests/tokenizer/test_tokenize_cli.cpp).
""")
    return len(lines)


# ---- models ----------------------------------------------------------------------------------------

CONFIG_BASE = {
    "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
    "layer_norm_eps": 1e-12, "max_position_embeddings": 64, "model_type": "bert", "num_attention_heads": 4,
    "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute", "torch_dtype": "float32",
    "type_vocab_size": 2, "use_cache": True,
}


def config_json(vocab_size, architecture, **extra):
    return dict(CONFIG_BASE, vocab_size=vocab_size, architectures=[architecture], **extra)


def draw(generator, name, p):
    """The fixtures' random weights: O(1) activations, so that bugs such as tanh-GELU for erf-GELU or
    a wrong attention scale show up far above the tolerances (HF's N(0, 0.02) would hide them)."""
    with torch.no_grad():
        if name.endswith("LayerNorm.weight"):
            p.copy_(torch.rand(p.shape, generator=generator) + 0.5)                 # U(0.5, 1.5)
        elif name.endswith("embeddings.weight"):
            p.copy_(torch.randn(p.shape, generator=generator) * 0.02)               # N(0, 0.02)
        elif name.endswith(".weight"):                                              # Linear [out, in]
            p.copy_(torch.randn(p.shape, generator=generator) / p.shape[1] ** 0.5)  # N(0, 1/sqrt(in))
        else:
            p.copy_(torch.randn(p.shape, generator=generator) * 0.1)                # biases N(0, 0.1)


def model_folder_files(folder, vocab, config):
    write_json(os.path.join(folder, "config.json"), config)
    write_text(os.path.join(folder, "vocab.txt"), "\n".join(vocab) + "\n")
    write_json(os.path.join(folder, "tokenizer_config.json"),
               {"do_lower_case": True, "model_max_length": 64, "tokenizer_class": "BertTokenizer"})


def checkpoint_tensors(model):
    """state_dict as save_pretrained writes it: tied / duplicated tensors once, no buffers."""
    skip = {"cls.predictions.decoder.weight", "cls.predictions.decoder.bias"}
    return {k: v for k, v in model.state_dict().items() if k not in skip and not k.endswith("position_ids")
            and not k.endswith("token_type_ids")}


class Recorder:
    """Forward hooks on HF's own submodules: the debug.* intermediates."""

    def __init__(self, bert, mlm_transform=None):
        self.out, self.handles = {}, []
        for i, layer in enumerate(bert.encoder.layer):
            self._hook(layer.attention, f"debug.layer.{i}.attention_output", first=True)
            self._hook(layer.intermediate, f"debug.layer.{i}.intermediate_output")
        if mlm_transform is not None:
            self._hook(mlm_transform, "debug.mlm_transform_output")

    def _hook(self, module, name, first=False):
        def hook(_module, _inputs, output):
            self.out[name] = (output[0] if first else output).detach().clone()
        self.handles.append(module.register_forward_hook(hook))

    def remove(self):
        for h in self.handles:
            h.remove()


def forward_outputs(model, bert, batch, extra_inputs, mlm_transform=None):
    rec = Recorder(bert, mlm_transform)
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                token_type_ids=batch["token_type_ids"], output_hidden_states=True, output_attentions=True,
                **extra_inputs)
    rec.remove()
    g = dict(rec.out)
    for i, h in enumerate(out.hidden_states):
        g[f"hidden_states.{i}"] = h.detach().clone()
    g["embedding_output"] = out.hidden_states[0].detach().clone()
    g["last_hidden_state"] = out.hidden_states[-1].detach().clone()
    for i, a in enumerate(out.attentions):
        g[f"attentions.{i}"] = a.detach().clone()
    g["extended_attention_mask"] = bert.get_extended_attention_mask(
        batch["attention_mask"], batch["input_ids"].shape, dtype=torch.float32).detach().clone()
    return out, g


def gradients(model, loss, rename=lambda n: n):
    model.zero_grad(set_to_none=True)
    loss.backward()
    missing = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
    assert not missing, missing
    return {"grad." + rename(n): p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def float64_figures(model, batch, labels, logits, loss_name, golden, rename=lambda n: n, zero_grads=()):
    """How far the float32 golden is from the same HF model run in float64 (max abs differences;
    gradients relative to each tensor's max, the mathematically-zero ones apart): what the
    tolerances are measured against. `model` is a fresh copy; it is converted to float64. Every
    attention.self.key.bias gradient is mathematically zero, and so are those named in zero_grads."""
    model = model.double().eval()
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                token_type_ids=batch["token_type_ids"], output_hidden_states=True, output_attentions=True, **labels)
    model.zero_grad(set_to_none=True)
    out.loss.backward()
    diffs = {}

    def worst(kind, gold, mine):
        d = (gold.double() - mine.detach()).abs().max().item()
        diffs[kind] = max(diffs.get(kind, 0.0), d)

    for i, h in enumerate(out.hidden_states):
        worst("hidden", golden[f"hidden_states.{i}"], h)
    for i, a in enumerate(out.attentions):
        worst("attention", golden[f"attentions.{i}"], a)
    for name, attr in logits.items():
        worst("logits", golden[name], getattr(out, attr))
    worst("loss", golden[loss_name], out.loss)
    for n, p in model.named_parameters():
        if not p.requires_grad:
            continue
        gold = golden["grad." + rename(n)].double()
        if n.endswith("attention.self.key.bias") or n in zero_grads:
            worst("grad_zero_abs", gold, p.grad)
        else:
            diffs["grad_rel"] = max(diffs.get("grad_rel", 0.0), ((gold - p.grad).abs().max() / gold.abs().max()).item())
    figures = ", ".join(f"{k} {v:.2g}" for k, v in diffs.items())
    return ("## Measured\nfloat32 golden vs the same HF model converted to float64 (`model.double()`), max abs "
            "differences (grad_rel: max|diff| / max|golden| per gradient tensor, grad_zero_abs: the "
            f"mathematically-zero gradients): {figures}.\n")


def adamw_steps(model, step_loss, rename=lambda n: n):
    """Two torch.optim.AdamW steps (single-tensor implementation) on the trainable parameters."""
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    opt = torch.optim.AdamW([p for _, p in params], lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01,
                            amsgrad=False, foreach=False)
    g = {}
    for step in (1, 2):
        loss = step_loss()
        g[f"adamw{step}.loss_before"] = loss.detach().clone()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        for n, p in params:
            g[f"adamw{step}.{rename(n)}"] = p.detach().clone()
    return g


def encode_rows(tok, rows, pairs, length):
    """One example per row (a row may or may not have a pair), right-padded to `length`."""
    out = {k: [] for k in ("input_ids", "attention_mask", "token_type_ids")}
    for row, pair in zip(rows, pairs):
        enc = tok(row, pair, padding="max_length", max_length=length)
        for k in out:
            out[k].append(enc[k])
    return {k: torch.tensor(v, dtype=torch.int64) for k, v in out.items()}


# the MLM batch: row, position -> label word (positions hold [MASK] unless said otherwise)
MLM_ROWS = ["this is a [MASK] sentence", "the [MASK] sat on the mat", "hello [MASK]!"]
MLM_PAIRS = [None, "it was [MASK]", None]
MLM_LABELS = {(0, 4): "test", (1, 2): "cat", (1, 5): "the", (1, 10): "happy", (2, 2): "world"}
CLS_ROWS = ["this is a test sentence", "the cat sat on the mat", "hello world!"]
CLS_PAIRS = [None, "it was happy", None]
CLS_LABELS = [0, 2, 1]
QA_QUESTIONS = ["where is the cat?", "who is happy?", "what color is the sky?"]
QA_CONTEXTS = ["the cat is on the mat.", "the sky is blue.", "the sky is blue."]
QA_START, QA_END = [10, 0, 11], [12, 0, 11]
QA_OOR_START, QA_OOR_END = [10, 0, 22], [12, 0, 22]
# a constant added to every position's logits: the softmax over positions does not see it
QA_ZERO_GRADS = ("qa_outputs.bias", "bert.encoder.layer.1.output.LayerNorm.bias")


def mlm_batch(tok):
    batch = encode_rows(tok, MLM_ROWS, MLM_PAIRS, 12)
    labels = torch.full_like(batch["input_ids"], -100)
    vocab = tok.get_vocab()
    for (b, s), word in MLM_LABELS.items():
        labels[b, s] = vocab[word]
        token = tok.convert_ids_to_tokens(int(batch["input_ids"][b, s]))
        assert token in ("[MASK]", word), (b, s, token, word)
    batch["mlm_labels"] = labels
    return batch


def cls_batch(tok):
    batch = encode_rows(tok, CLS_ROWS, CLS_PAIRS, 12)
    batch["labels"] = torch.tensor(CLS_LABELS, dtype=torch.int64)
    return batch


def qa_batch(tok):
    batch = encode_rows(tok, QA_QUESTIONS, QA_CONTEXTS, 15)
    ids = batch["input_ids"]
    assert tok.convert_ids_to_tokens(ids[0, 10:13].tolist()) == ["on", "the", "mat"]
    assert tok.convert_ids_to_tokens(ids[2, 11:12].tolist()) == ["blue"]
    batch["start_positions"] = torch.tensor(QA_START)
    batch["end_positions"] = torch.tensor(QA_END)
    batch["oor.start_positions"] = torch.tensor(QA_OOR_START)
    batch["oor.end_positions"] = torch.tensor(QA_OOR_END)
    return batch


def inputs_tables(tok, batch, label_key=None, label_names=None):
    """Markdown tables of a batch; label_key's column shows each label as a token, or by label_names."""
    B, S = batch["input_ids"].shape
    text = [f"position_ids are NOT stored: HF's default arange(S) for every row. B = {B}, S = {S}.", ""]
    for b in range(B):
        ids = batch["input_ids"][b].tolist()
        n = int(batch["attention_mask"][b].sum())
        tokens = tok.convert_ids_to_tokens(ids)
        text += [f"Sequence {b} (length {n} of {S}): `{' '.join(tokens[:n])}`", ""]
        head = "| pos | input token | input_ids | token_type_ids | attention_mask |"
        sep = "| --- | --- | --- | --- | --- |"
        if label_key:
            head += f" {label_key} |"
            sep += " --- |"
        text += [head, sep]
        for s in range(S):
            row = (f"| {s} | `{tokens[s]}` | {ids[s]} | {int(batch['token_type_ids'][b, s])} | "
                   f"{int(batch['attention_mask'][b, s])} |")
            if label_key:
                lab = int(batch[label_key][b, s])
                if lab == -100:
                    row += f" {lab} |"
                else:
                    row += f" {lab} (`{label_names[lab] if label_names else tok.convert_ids_to_tokens(lab)}`) |"
            text.append(row)
        text.append("")
    return "\n".join(text)


MEANINGS = {
    "input_ids": "INPUT. token ids in this folder's vocab.txt, right-padded with [PAD]=0",
    "attention_mask": "INPUT. 1 = real token, 0 = padding",
    "token_type_ids": "INPUT. segment ids: 0 = [CLS] + segment A + its [SEP]; 1 = segment B + final [SEP]; 0 on padding",
    "mlm_labels": "INPUT. MLM labels: -100 = ignored, else the original token id (most of those positions hold [MASK]=103)",
    "labels": "INPUT. sequence-classification labels (class index)",
    "start_positions": "INPUT. QA answer start token index per example",
    "end_positions": "INPUT. QA answer end token index per example (inclusive)",
    "oor.start_positions": "INPUT. like start_positions, the third example's beyond the sequence (HF clamps it to S = ignore_index)",
    "oor.end_positions": "INPUT. like end_positions, the third example's beyond the sequence",
    "embedding_output": "BertEmbeddings output (= hidden_states.0)",
    "last_hidden_state": "encoder output (= the last hidden_states.*)",
    "extended_attention_mask": "informational: HF's additive mask (1 - attention_mask)[:, None, None, :] * finfo(float32).min",
    "pooler_output": "BertPooler: tanh(pooler.dense(last_hidden_state[:, 0]))",
    "mlm_logits": "BertForMaskedLM prediction scores (decoder tied to the word embeddings, bias cls.predictions.bias)",
    "mlm_loss": "CrossEntropy(mlm_logits.view(-1, V), mlm_labels.view(-1)), ignore_index -100, mean over labelled positions",
    "seqcls_logits": "BertForSequenceClassification logits = classifier(pooler_output)",
    "seqcls_loss": "CrossEntropy(seqcls_logits, labels), mean over the batch (single_label_classification)",
    "qa_start_logits": "BertForQuestionAnswering start logits",
    "qa_end_logits": "BertForQuestionAnswering end logits",
    "qa_loss": "(CE(start_logits, start_positions) + CE(end_logits, end_positions)) / 2, softmax over all S positions",
    "oor.qa_loss": "qa_loss with oor.* positions: the out-of-range example is ignored (mean over the other two)",
    "debug.mlm_transform_output": "BertPredictionHeadTransform output: LayerNorm(gelu(dense(last_hidden_state)))",
    "adamw1.loss_before": "the loss whose gradient drove AdamW step 1 (= the task loss above)",
    "adamw2.loss_before": "the loss whose gradient drove AdamW step 2: recomputed at the adamw1.* parameters",
}


def meaning(name, extra=None):
    if extra and name in extra:
        return extra[name]
    if name in MEANINGS:
        return MEANINGS[name]
    if name.startswith("hidden_states."):
        i = int(name.split(".")[1])
        return "HF outputs.hidden_states[0] = embedding output" if i == 0 else \
            f"HF outputs.hidden_states[{i}] = output of encoder layer {i - 1}"
    if name.startswith("attentions."):
        return f"HF outputs.attentions[{name.split('.')[1]}]: softmax probabilities [B, heads, query, key]; 0 on padded keys"
    if name.startswith("debug.layer."):
        i, what = name.split(".")[2], name.split(".")[3]
        return f"layer {i}: " + ("BertAttention output = LayerNorm(attention.output.dense(context) + layer input)"
                                 if what == "attention_output" else
                                 "BertIntermediate output = gelu(intermediate.dense(attention_output))")
    if name.startswith("merged."):
        return f"PEFT merge: {name[7:]} + (lora_B @ lora_A) * scaling"
    raise KeyError(name)


def golden_table(golden, extra_meanings=None):
    rows = ["| tensor | dtype | shape | meaning |", "| --- | --- | --- | --- |"]
    groups = {}
    for name in sorted(golden):
        for prefix in ("grad.", "adamw1.", "adamw2."):
            if name.startswith(prefix) and not name.endswith("loss_before"):
                groups.setdefault(prefix, []).append(name)
                break
        else:
            t = golden[name]
            dtype = "I64" if t.dtype == torch.int64 else "F32"
            rows.append(f"| `{name}` | {dtype} | {list(t.shape)} | {meaning(name, extra_meanings)} |")
    for prefix, names in groups.items():
        what = "d(loss)/d(param), one per trainable parameter (list below)" if prefix == "grad." else \
            f"parameters after {prefix[5]} torch.optim.AdamW step(s)"
        rows.append(f"| {prefix}&lt;param&gt; ({len(names)} tensors) | F32 | = param shape | {what} |")
    grads = sorted(n[5:] for n in golden if n.startswith("grad."))
    rows += ["", "Gradient tensors present (`grad.` + name), exactly the trainable parameters:", ""]
    rows += [f"* `{n}`" for n in grads]
    return "\n".join(rows)


ADAMW_TEXT = """* `adamw1.*`: parameters after ONE `torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
  weight_decay=0.01, amsgrad=False, foreach=False)` step on the trainable parameters (the tied matrix once), from
  zero moment buffers; `adamw2.*`: after a SECOND step whose gradient is recomputed on the same batch at the
  adamw1 parameters. Per tensor, step t: `p *= (1 - lr*wd); m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
  p -= (lr / (1 - b1**t)) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)`. Entries whose gradient is ~0 move by
  float noise (g/(|g|+eps)): hence the two-tier end-to-end rule below."""


def write_golden(folder, name, golden, seed):
    save_tensors(os.path.join(folder, "golden.safetensors"), golden,
                 {"fixture": name, "generator": "make_fixtures.py", "seed": str(seed)})


def config_text(vocab):
    return (f"hidden_size 32, num_hidden_layers 2, num_attention_heads 4 (head_dim 8), intermediate_size 64,\n"
            f"max_position_embeddings 64, type_vocab_size 2, **vocab_size {len(vocab)}**, layer_norm_eps 1e-12,\n"
            f"hidden_act gelu (erf), pad_token_id 0.\n\n"
            f"The vocabulary (`vocab.txt`) is small: the first {CHARACTER_LINES} lines of bert-base-uncased's "
            f"vocab.txt ([PAD], [unused*], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103 and every single character "
            f"with its ## form, at their bert-base-uncased ids) followed by the {len(vocab) - CHARACTER_LINES} "
            f"wordpieces the fixtures', the lab's and the tests' texts need (listed in make_fixtures.py, in "
            f"bert-base-uncased order). Those texts therefore tokenize into the same tokens as with "
            f"bert-base-uncased; word ids differ (e.g. `the` is 1996 in both, later words are renumbered).")


def make_models(out, full_vocab_folder):
    vocab = build_small_vocab(full_vocab_folder)
    V = len(vocab)
    models = os.path.join(out, "models")
    base_dir = os.path.join(models, "tiny-bert")
    model_folder_files(base_dir, vocab, config_json(V, "BertForMaskedLM"))
    tok = slow_tokenizer(base_dir)
    for text in MODEL_TEXTS:  # the small vocab tokenizes these as bert-base-uncased does
        full = slow_tokenizer(full_vocab_folder)
        assert tok.tokenize(text) == full.tokenize(text), text

    # The backbone, the MLM head and the NSP head: all of BertForPreTraining, as in bert-base-uncased.
    config = BertConfig.from_pretrained(base_dir)
    pretraining = BertForPreTraining(config)
    gen = torch.Generator().manual_seed(SEED_BACKBONE)
    for name, p in pretraining.named_parameters():
        draw(gen, name, p)
    backbone = checkpoint_tensors(pretraining)
    save_tensors(os.path.join(base_dir, "model.safetensors"), backbone, {"format": "pt"})

    # ---- tiny-bert: BertForMaskedLM (+ BertModel's pooler) ----
    batch = mlm_batch(tok)
    mlm = BertForMaskedLM.from_pretrained(base_dir, attn_implementation="eager").eval()
    out_mlm, golden = forward_outputs(mlm, mlm.bert, batch, {"labels": batch["mlm_labels"]},
                                      mlm.cls.predictions.transform)
    golden.update(batch)
    golden["mlm_logits"] = out_mlm.logits.detach().clone()
    golden["mlm_loss"] = out_mlm.loss.detach().clone()
    golden.update(gradients(mlm, out_mlm.loss))
    measured = float64_figures(BertForMaskedLM.from_pretrained(base_dir, attn_implementation="eager"), batch,
                               {"labels": batch["mlm_labels"]}, {"mlm_logits": "logits"}, "mlm_loss", golden)
    with torch.no_grad():
        bare = BertModel.from_pretrained(base_dir, attn_implementation="eager").eval()
        golden["pooler_output"] = bare(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                       token_type_ids=batch["token_type_ids"]).pooler_output.clone()
    fresh = BertForMaskedLM.from_pretrained(base_dir, attn_implementation="eager").eval()
    golden.update(adamw_steps(fresh, lambda: fresh(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                                   token_type_ids=batch["token_type_ids"],
                                                   labels=batch["mlm_labels"]).loss))
    assert sum(n.startswith("grad.") for n in golden) == 42
    write_golden(base_dir, "tiny-bert", golden, SEED_BACKBONE)
    write_text(os.path.join(base_dir, "README.md"), f"""# tiny-bert: BertForMaskedLM fixture (small vocab, hidden 32, 2 layers, 4 heads)

A random-weight BERT laid out as a HuggingFace model folder, with the golden outputs of BertModel (hidden
states, attentions, pooler) and BertForMaskedLM (logits, loss, every gradient, two AdamW steps) for a
padded batch of 3, computed by transformers' own classes.

{HOW_MADE.format(versions=versions())}

## Files
{files_table(base_dir)}

`model.safetensors` (metadata {{"format": "pt"}}) holds, like bert-base-uncased's checkpoint, all of
BertForPreTraining: `bert.pooler.dense.*` (used only by BertModel) and `cls.seq_relationship.*` (the NSP head,
never used: a loader must ignore it). There is no `cls.predictions.decoder.*`: the decoder weight is tied to
`bert.embeddings.word_embeddings.weight` and its bias is `cls.predictions.bias`.

Random weights (torch.Generator seeded with {SEED_BACKBONE}, drawn in BertForPreTraining's named_parameters()
order): word / position / token_type embeddings ~ N(0, 0.02) (row 0 too); every Linear weight [out, in] ~
N(0, 1/sqrt(in)) (NOT N(0, 0.02): that keeps activations ~0.1, where tanh-GELU vs erf-GELU or a wrong
attention scale would pass any tolerance); every Linear, LayerNorm and `cls.predictions` bias ~ N(0, 0.1);
every LayerNorm weight ~ U(0.5, 1.5).

BertForMaskedLM has NO pooler, so there are no `grad.`/`adamw*.` entries for the pooler or the NSP head.
`pooler_output` comes from `BertModel.from_pretrained` on this folder.

## Config
{config_text(vocab)}

## Inputs (stored in golden.safetensors)
{inputs_tables(tok, batch, "mlm_labels")}
## Training step definitions
* Loss: `mlm_loss`. `grad.*` = d(mlm_loss)/d(param) for every parameter of BertForMaskedLM; the tied decoder
  weight has no entry of its own, its gradient is summed into `grad.bert.embeddings.word_embeddings.weight`
  (row 0, [PAD], gets only the decoder part: padding_idx).
{ADAMW_TEXT}

## golden.safetensors
All floating tensors are F32, all integer tensors I64, scalars have shape [] (rank 0).

{golden_table(golden)}

{SEMANTICS}
{TOLERANCES}
{measured}""")

    # ---- tiny-bert-heads/seq-cls ----
    heads = os.path.join(models, "tiny-bert-heads")
    cls_dir = os.path.join(heads, "seq-cls")
    labels3 = {"id2label": {str(i): f"LABEL_{i}" for i in range(3)}, "label2id": {f"LABEL_{i}": i for i in range(3)}}
    model_folder_files(cls_dir, vocab, config_json(V, "BertForSequenceClassification", **labels3))
    cls_model = BertForSequenceClassification(BertConfig.from_pretrained(cls_dir))
    gen = torch.Generator().manual_seed(SEED_SEQCLS)
    for name, p in cls_model.named_parameters():
        if name.startswith("classifier."):
            draw(gen, name, p)
    tensors = {k: v for k, v in backbone.items() if k.startswith("bert.")}
    tensors.update({k: v for k, v in checkpoint_tensors(cls_model).items() if k.startswith("classifier.")})
    save_tensors(os.path.join(cls_dir, "model.safetensors"), tensors, {"format": "pt"})
    cls_model = BertForSequenceClassification.from_pretrained(cls_dir, attn_implementation="eager").eval()
    batch = cls_batch(tok)
    pooled = {}
    handle = cls_model.bert.pooler.register_forward_hook(lambda m, i, o: pooled.update(p=o.detach().clone()))
    out_cls, golden = forward_outputs(cls_model, cls_model.bert, batch, {"labels": batch["labels"]})
    handle.remove()
    golden.update(batch)
    golden["pooler_output"] = pooled["p"]
    golden["seqcls_logits"] = out_cls.logits.detach().clone()
    golden["seqcls_loss"] = out_cls.loss.detach().clone()
    golden.update(gradients(cls_model, out_cls.loss))
    measured = float64_figures(BertForSequenceClassification.from_pretrained(cls_dir, attn_implementation="eager"),
                               batch, {"labels": batch["labels"]}, {"seqcls_logits": "logits"}, "seqcls_loss", golden)
    assert sum(n.startswith("grad.") for n in golden) == 41
    write_golden(cls_dir, "tiny-bert-heads/seq-cls", golden, SEED_SEQCLS)
    write_text(os.path.join(cls_dir, "README.md"), f"""# tiny-bert-heads/seq-cls: BertForSequenceClassification (num_labels 3)

Same backbone as ../../tiny-bert (bit-identical `bert.*` tensors, pooler included) plus a random `classifier`
(Linear 32 -> 3) on the pooled output: weight ~ N(0, 1/sqrt(32)), bias ~ N(0, 0.1), seed {SEED_SEQCLS}.
config.json: architectures [BertForSequenceClassification], id2label with 3 labels (=> num_labels 3),
problem_type absent (=> single_label_classification with int64 labels).

{HOW_MADE.format(versions=versions())}

## Files
{files_table(cls_dir)}

## Config
{config_text(vocab)}

## Inputs (stored in golden.safetensors)
{inputs_tables(tok, batch)}
`labels` = {CLS_LABELS}.

## Loss
`seqcls_loss` = CrossEntropy(seqcls_logits [B, 3], labels [B]), mean over B. `grad.*` for every parameter of
BertForSequenceClassification (pooler and classifier included).

## golden.safetensors
All floating tensors are F32, all integer tensors I64, scalars have shape [] (rank 0).

{golden_table(golden)}

{SEMANTICS}
{TOLERANCES}
{measured}""")

    # ---- tiny-bert-heads/qa ----
    qa_dir = os.path.join(heads, "qa")
    model_folder_files(qa_dir, vocab, config_json(V, "BertForQuestionAnswering"))
    qa_model = BertForQuestionAnswering(BertConfig.from_pretrained(qa_dir))
    gen = torch.Generator().manual_seed(SEED_QA)
    for name, p in qa_model.named_parameters():
        if name.startswith("qa_outputs."):
            draw(gen, name, p)
    tensors = {k: v for k, v in backbone.items() if k.startswith("bert.") and not k.startswith("bert.pooler.")}
    tensors.update({k: v for k, v in checkpoint_tensors(qa_model).items() if k.startswith("qa_outputs.")})
    save_tensors(os.path.join(qa_dir, "model.safetensors"), tensors, {"format": "pt"})
    qa_model = BertForQuestionAnswering.from_pretrained(qa_dir, attn_implementation="eager").eval()
    batch = qa_batch(tok)
    out_qa, golden = forward_outputs(qa_model, qa_model.bert, batch,
                                     {"start_positions": batch["start_positions"], "end_positions": batch["end_positions"]})
    golden.update(batch)
    golden["qa_start_logits"] = out_qa.start_logits.detach().clone()
    golden["qa_end_logits"] = out_qa.end_logits.detach().clone()
    golden["qa_loss"] = out_qa.loss.detach().clone()
    golden.update(gradients(qa_model, out_qa.loss))
    measured = float64_figures(BertForQuestionAnswering.from_pretrained(qa_dir, attn_implementation="eager"), batch,
                               {"start_positions": batch["start_positions"], "end_positions": batch["end_positions"]},
                               {"qa_start_logits": "start_logits", "qa_end_logits": "end_logits"}, "qa_loss", golden,
                               zero_grads=QA_ZERO_GRADS)
    with torch.no_grad():
        golden["oor.qa_loss"] = qa_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                         token_type_ids=batch["token_type_ids"],
                                         start_positions=batch["oor.start_positions"],
                                         end_positions=batch["oor.end_positions"]).loss.clone()
    assert sum(n.startswith("grad.") for n in golden) == 39
    write_golden(qa_dir, "tiny-bert-heads/qa", golden, SEED_QA)
    write_text(os.path.join(qa_dir, "README.md"), f"""# tiny-bert-heads/qa: BertForQuestionAnswering

Same backbone as ../../tiny-bert (bit-identical `bert.*` tensors, pooler excluded: BertForQuestionAnswering
builds `BertModel(config, add_pooling_layer=False)`) plus a random `qa_outputs` (Linear 32 -> 2): weight ~
N(0, 1/sqrt(32)), bias ~ N(0, 0.1), seed {SEED_QA}. config.json: architectures [BertForQuestionAnswering]
(num_labels 2: HF splits the logits into start and end).

{HOW_MADE.format(versions=versions())}

## Files
{files_table(qa_dir)}

## Config
{config_text(vocab)}

## Inputs (stored in golden.safetensors)
{inputs_tables(tok, batch)}
## QA labels and loss
* `start_positions` = {QA_START}, `end_positions` = {QA_END}: example 0's answer "on the mat" = tokens 10..12;
  example 1 has no answer in its context -> start = end = 0 ([CLS]); example 2's answer "blue" = token 11.
* `qa_loss` = (CE(qa_start_logits, start_positions) + CE(qa_end_logits, end_positions)) / 2, each a mean over the
  batch, softmax over ALL S positions (HF does not mask padding out of the QA softmax).
* `oor.*`: positions {QA_OOR_START} / {QA_OOR_END}: HF clamps positions to [0, S] and ignores S, so `oor.qa_loss`
  is the mean over examples 0 and 1 only.

## golden.safetensors
All floating tensors are F32, all integer tensors I64, scalars have shape [] (rank 0).

{golden_table(golden)}

{SEMANTICS}
* QA has more mathematically-zero gradients: `qa_outputs.bias` and `bert.encoder.layer.1.output.LayerNorm.bias`
  (each adds the same number to every position's start or end logit, which the softmax over positions ignores).

{TOLERANCES}
{measured}""")
    write_text(os.path.join(heads, "README.md"), f"""# tiny-bert-heads

Two HuggingFace model folders on the tiny-bert backbone (bit-identical `bert.*` weights to ../tiny-bert):

* `seq-cls/`: BertForSequenceClassification, num_labels 3 (config.json id2label has 3 entries).
* `qa/`: BertForQuestionAnswering (num_labels 2, no pooler weights).

Two folders, not one checkpoint with both heads, because transformers sizes both heads from the same
`config.num_labels`: the QA head needs 2, the classifier here has 3. Each folder has its own config.json,
model.safetensors, vocab.txt, golden.safetensors and README.md (schema, how made, tolerances).

{HOW_MADE.format(versions=versions())}
""")

    # ---- tiny-bert-lora: PEFT's LoRA on tiny-bert ----
    lora_dir = os.path.join(models, "tiny-bert-lora")
    os.makedirs(lora_dir, exist_ok=True)
    batch = mlm_batch(tok)
    lora_config = dict(r=4, lora_alpha=8, target_modules=["query", "value"], lora_dropout=0.0, bias="none")

    def peft_model():
        torch.manual_seed(SEED_LORA)  # lora_A: PEFT's own kaiming_uniform_ init from the global generator
        base = BertForMaskedLM.from_pretrained(base_dir, attn_implementation="eager")
        model = peft.get_peft_model(base, peft.LoraConfig(**lora_config)).eval()
        # lora_B: PEFT starts it at zero (the adapter a no-op, d/dA = 0); a random B stands in for a
        # trained adapter so that every path is exercised.
        gen = torch.Generator().manual_seed(SEED_LORA)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "lora_B" in name:
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
        return model

    def key(name):  # PEFT's parameter name -> the adapter file's key
        return name.replace(".default", "")

    model = peft_model()
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        with safe_open(os.path.join(tmp, "adapter_model.safetensors"), framework="pt") as f:
            save_tensors(os.path.join(lora_dir, "adapter_model.safetensors"),
                         {k: f.get_tensor(k) for k in f.keys()}, f.metadata())
        with open(os.path.join(tmp, "adapter_config.json"), encoding="utf-8") as f:
            adapter_config = json.load(f)
    adapter_config["base_model_name_or_path"] = "../tiny-bert"
    adapter_config["target_modules"] = sorted(adapter_config["target_modules"])  # a set in PEFT: any order
    adapter_config.pop("peft_version", None)
    write_json(os.path.join(lora_dir, "adapter_config.json"), adapter_config)

    inner = model.base_model.model
    out_lora, golden = forward_outputs(model, inner.bert, batch, {"labels": batch["mlm_labels"]},
                                       inner.cls.predictions.transform)
    golden.update(batch)
    golden["mlm_logits"] = out_lora.logits.detach().clone()
    golden["mlm_loss"] = out_lora.loss.detach().clone()
    golden.update(gradients(model, out_lora.loss, key))
    measured = float64_figures(peft_model(), batch, {"labels": batch["mlm_labels"]}, {"mlm_logits": "logits"},
                               "mlm_loss", golden, key)
    with torch.no_grad():
        bare = BertModel.from_pretrained(base_dir, attn_implementation="eager").eval()
        golden["pooler_output"] = bare.pooler(golden["last_hidden_state"]).clone()
        merged = copy.deepcopy(model).merge_and_unload()
        modules = sorted(n for n, m in model.named_modules() if isinstance(m, peft.tuners.lora.Linear))
        for n in modules:
            module = n.replace("base_model.model.", "")
            golden[f"merged.{module}.weight"] = merged.get_submodule(module).weight.detach().clone()
    fresh = peft_model()
    golden.update(adamw_steps(fresh, lambda: fresh(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                                   token_type_ids=batch["token_type_ids"],
                                                   labels=batch["mlm_labels"]).loss, key))
    assert sum(n.startswith("grad.") for n in golden) == 8
    write_golden(lora_dir, "tiny-bert-lora", golden, SEED_LORA)
    adapted = "\n".join(f"  * `{n.replace('base_model.model.', '')}`" for n in modules)
    write_text(os.path.join(lora_dir, "README.md"), f"""# tiny-bert-lora: PEFT LoRA adapter on tiny-bert (r=4, alpha=8)

A PEFT adapter folder for the BertForMaskedLM in ../tiny-bert, with golden forward outputs, MLM loss,
LoRA-only gradients, two AdamW steps and merged weights, computed by PEFT on transformers.

{HOW_MADE.format(versions=versions())}

## Files
{files_table(lora_dir)}

What `PeftModel.save_pretrained` writes (its model card left out):
* `adapter_config.json`: `peft.LoraConfig({", ".join(f"{k}={v!r}" for k, v in lora_config.items())})` as PEFT saves
  it, with `base_model_name_or_path` = "../tiny-bert" (the sibling folder), `target_modules` sorted and
  `peft_version` dropped; json sorted keys, indent 2. scaling = lora_alpha / r = 2.0.
* `adapter_model.safetensors` (PEFT's tensors and metadata, rewritten with a reproducible header): for each adapted Linear `<m>` (out x in), `base_model.model.<m>.lora_A.weight`
  [r, in] and `base_model.model.<m>.lora_B.weight` [out, r]. Adapted modules (name == target or ends with
  "." + target):
{adapted}
* Forward of an adapted Linear (dropout identity): `y = x W^T + b + ((x A^T) B^T) * scaling`.
* Init: lora_A as PEFT does it (kaiming_uniform_(a=sqrt(5)), torch.manual_seed({SEED_LORA}) before
  get_peft_model); lora_B ~ N(0, 0.1) (torch.Generator seed {SEED_LORA}) instead of PEFT's zeros, which would
  make the adapter a no-op and d/dA = 0.

## Config (of ../tiny-bert)
{config_text(vocab)}

## Inputs (stored in golden.safetensors; the batch of ../tiny-bert)
{inputs_tables(tok, batch, "mlm_labels")}
## Training definitions
* `mlm_loss` as in tiny-bert, on the same batch, through the PeftModel. The base weights are frozen: gradients
  only for the LoRA tensors, named `grad.<adapter key>`.
{ADAMW_TEXT}
* `merged.<m>.weight`: PEFT `merge_and_unload()`'s weight of each adapted Linear, `W + (lora_B @ lora_A) * scaling`
  in float32. Biases do not change.
* `pooler_output`: BertModel's pooler (from ../tiny-bert) applied to the adapted `last_hidden_state`; the
  PEFT-wrapped BertForMaskedLM itself has no pooler.

## golden.safetensors
All floating tensors are F32, all integer tensors I64, scalars have shape [] (rank 0).

{golden_table(golden)}

{SEMANTICS}
{TOLERANCES}
{measured}""")
    return V


# ---- small-vocab-heads: BertForTokenClassification, BertForMultipleChoice, BertForNextSentencePrediction,
# BertForPreTraining. A vocabulary of the first 104 lines ([PAD], [unused*], [UNK], [CLS], [SEP], [MASK])
# and the words below keeps each folder near 200 kB: the word-embedding gradient and the MLM logits,
# which grow with the vocabulary, are most of tiny-bert's 1.8 MB.
SMALL_VOCAB_SPECIAL_LINES = 104
# token-cls: words and their IOB2 tags; a word split into several tokens is labelled on its first
# sub-token only, the rest get -100 (HF's run_ner.py, label_all_tokens=False)
TOKCLS_ID2LABEL = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
TOKCLS_ROWS = [("ada lovelace lived in london", "B-PER I-PER O O B-LOC"),
               ("the cat sat on the mat", "O O O O O O"),
               ("paris is in france", "B-LOC O O B-LOC")]
# multiple choice: (context, [choices], the right choice)
MC_EXAMPLES = [("the cat sat on the", ["mat.", "sky.", "france."], 0),
               ("ada lovelace lived in", ["the cat.", "blue.", "london."], 2)]
# nsp / pretraining: (sentence A, sentence B, next_sentence_label: 0 = B follows A, 1 = random B)
NSP_PAIRS = [("the cat sat on the mat.", "it was happy.", 0),
             ("ada lovelace lived in london.", "the sky is blue.", 1),
             ("paris is in france.", "it is big.", 0)]
# pretraining: the same pairs with [MASK]s, the words they hide (in order), and per row one word left
# as it is but labelled all the same (BERT labels some unchanged tokens too)
PRETRAINING_PAIRS = [("the [MASK] sat on the mat.", "it was [MASK].", 0),
                     ("ada lovelace lived in [MASK].", "the sky is blue.", 1),
                     ("paris is in france.", "it is [MASK].", 0)]
PRETRAINING_MASKED = [["cat", "happy"], ["london"], ["big"]]
PRETRAINING_KEPT = ["mat", "sky", "paris"]
SMALL_VOCAB_TEXTS = ([w for w, _ in TOKCLS_ROWS] + [c for c, _, _ in MC_EXAMPLES] +
                     [x for _, cs, _ in MC_EXAMPLES for x in cs] + [t for a, b, _ in NSP_PAIRS for t in (a, b)])


# what the heads' own golden tensors mean (the shared ones are in MEANINGS)
HEAD_MEANINGS = {
    "token-cls": {
        "labels": "INPUT. one tag index per token (id2label), -100 = not scored ([CLS], [SEP], padding, later sub-tokens)",
        "tokcls_logits": "BertForTokenClassification logits = classifier(last_hidden_state), [B, S, num_labels]",
        "tokcls_loss": "CrossEntropy(tokcls_logits.view(-1, 5), labels.view(-1)), ignore_index -100"},
    "multiple-choice": {
        "labels": "INPUT. the right choice's index per example",
        "mc_logits": "BertForMultipleChoice logits = classifier(pooler_output).view(B, C)",
        "mc_loss": "CrossEntropy(mc_logits, labels): a softmax over each example's choices"},
    "nsp": {
        "next_sentence_label": "INPUT. 0 = sentence B follows sentence A, 1 = B is random (HF's labels=)",
        "nsp_logits": "BertForNextSentencePrediction logits = cls.seq_relationship(pooler_output)",
        "nsp_loss": "CrossEntropy(nsp_logits, next_sentence_label)"},
    "pretraining": {
        "next_sentence_label": "INPUT. 0 = sentence B follows sentence A, 1 = B is random",
        "mlm_logits": "BertForPreTraining prediction_logits = cls.predictions(last_hidden_state) (decoder tied)",
        "nsp_logits": "BertForPreTraining seq_relationship_logits = cls.seq_relationship(pooler_output)",
        "pretraining_loss": "CE(mlm_logits.view(-1, V), mlm_labels.view(-1)) + CE(nsp_logits, next_sentence_label)"},
}


def tokcls_batch(fast):
    """Words -> tokens, tags on each word's first sub-token (word_ids() of the fast tokenizer)."""
    batch = encode_rows(fast, [w for w, _ in TOKCLS_ROWS], [None] * len(TOKCLS_ROWS), 12)
    labels = torch.full_like(batch["input_ids"], -100)
    for b, (words, tags) in enumerate(TOKCLS_ROWS):
        tags = tags.split()
        word_ids = fast(words.split(), is_split_into_words=True, padding="max_length", max_length=12).word_ids()
        previous = None
        for s, w in enumerate(word_ids):
            if w is not None and w != previous:
                labels[b, s] = TOKCLS_ID2LABEL.index(tags[w])
            previous = w
    batch["labels"] = labels
    return batch


def mc_batch(tok):
    """[B, C, S]: each (context, choice) pair encoded on its own, as in HF's run_swag.py."""
    rows = [encode_rows(tok, [c] * len(cs), cs, 12) for c, cs, _ in MC_EXAMPLES]
    batch = {k: torch.stack([r[k] for r in rows]) for k in rows[0]}
    batch["labels"] = torch.tensor([y for _, _, y in MC_EXAMPLES])
    return batch


def nsp_batch(tok, pairs):
    batch = encode_rows(tok, [a for a, _, _ in pairs], [b for _, b, _ in pairs], 16)
    batch["next_sentence_label"] = torch.tensor([y for _, _, y in pairs])
    return batch


def pretraining_batch(tok):
    batch = nsp_batch(tok, PRETRAINING_PAIRS)
    ids = batch["input_ids"]
    labels = torch.full_like(ids, -100)
    vocab = tok.get_vocab()
    for b, (masked, kept) in enumerate(zip(PRETRAINING_MASKED, PRETRAINING_KEPT)):
        positions = (ids[b] == tok.mask_token_id).nonzero().flatten().tolist()
        assert len(positions) == len(masked), b
        for s, word in zip(positions, masked):
            labels[b, s] = vocab[word]
        labels[b, ids[b].tolist().index(vocab[kept])] = vocab[kept]
    batch["mlm_labels"] = labels
    return batch


def make_small_vocab_heads(out, full_vocab_folder):
    full = slow_tokenizer(full_vocab_folder)
    ids = set(range(SMALL_VOCAB_SPECIAL_LINES))
    for text in SMALL_VOCAB_TEXTS:
        ids.update(full(text, add_special_tokens=False)["input_ids"])
    vocab = [read_vocab(os.path.join(full_vocab_folder, "vocab.txt"))[i] for i in sorted(ids)]
    V = len(vocab)
    family = os.path.join(out, "models", "small-vocab-heads")
    pre_dir = os.path.join(family, "pretraining")
    model_folder_files(pre_dir, vocab, config_json(V, "BertForPreTraining"))
    tok = slow_tokenizer(pre_dir)
    fast = BertTokenizerFast.from_pretrained(pre_dir)
    for text in SMALL_VOCAB_TEXTS + [a for a, _, _ in PRETRAINING_PAIRS] + [b for _, b, _ in PRETRAINING_PAIRS]:
        assert tok.tokenize(text) == full.tokenize(text) == fast.tokenize(text), text

    # The backbone and both pre-training heads, drawn like tiny-bert's.
    pretraining = BertForPreTraining(BertConfig.from_pretrained(pre_dir))
    gen = torch.Generator().manual_seed(SEED_SMALL_VOCAB)
    for name, p in pretraining.named_parameters():
        draw(gen, name, p)
    backbone = checkpoint_tensors(pretraining)
    head_gen = torch.Generator().manual_seed(SEED_SMALL_VOCAB + 1)  # the classifiers bert-base-uncased lacks

    def head_folder(sub, cls, config_extra, keep, batch, label_kwargs, logits, loss_name, zero_grads=(), text=""):
        """One model folder: checkpoint = the backbone's `keep` tensors + cls's own random head;
        golden = cls's outputs, loss and every gradient on `batch`."""
        folder = os.path.join(family, sub)
        model_folder_files(folder, vocab, config_json(V, cls.__name__, **config_extra))
        model = cls(BertConfig.from_pretrained(folder))
        tensors = {k: v for k, v in backbone.items() if keep(k)}
        for name, p in model.named_parameters():
            if name not in tensors and not name.startswith("bert."):
                draw(head_gen, name, p)
                tensors[name] = p.detach().clone()
        save_tensors(os.path.join(folder, "model.safetensors"), tensors, {"format": "pt"})
        model = cls.from_pretrained(folder, attn_implementation="eager").eval()
        loaded = {k for k in checkpoint_tensors(model)}
        assert loaded == set(tensors), (sub, loaded ^ set(tensors))  # nothing unused, nothing new
        predictions = getattr(getattr(model, "cls", None), "predictions", None)  # the MLM head, if any
        transform = predictions.transform if predictions is not None else None
        has_pooler = model.bert.pooler is not None
        pooled = {}
        if has_pooler:
            handle = model.bert.pooler.register_forward_hook(lambda m, i, o: pooled.update(p=o.detach().clone()))
        kwargs = {k: batch[v] for k, v in label_kwargs.items()}
        out_model, golden = forward_outputs(model, model.bert, batch, kwargs, transform)
        if has_pooler:
            handle.remove()
            golden["pooler_output"] = pooled["p"]
        golden.update(batch)
        for name, attr in logits.items():
            golden[name] = getattr(out_model, attr).detach().clone()
        golden[loss_name] = out_model.loss.detach().clone()
        golden.update(gradients(model, out_model.loss))
        measured = float64_figures(cls.from_pretrained(folder, attn_implementation="eager"), batch, kwargs,
                                   logits, loss_name, golden, zero_grads=zero_grads)
        write_golden(folder, f"small-vocab-heads/{sub}", golden, SEED_SMALL_VOCAB)
        n_grads = sum(n.startswith("grad.") for n in golden)
        write_text(os.path.join(folder, "README.md"), f"""# small-vocab-heads/{sub}: {cls.__name__}

The small-vocab backbone (see ../README.md) with {cls.__name__}'s head. config.json: architectures
[{cls.__name__}]{", " + ", ".join(f"{k} {v}" for k, v in config_extra.items()) if config_extra else ""}.
Loading model.safetensors into {cls.__name__} uses every tensor and initializes none.

{HOW_MADE.format(versions=versions())}

## Files
{files_table(folder)}

## Inputs and labels (stored in golden.safetensors)
{text}
Label inputs: {", ".join(f"`{v}` (HF's `{k}=`)" for k, v in label_kwargs.items())}. `{loss_name}` is HF's
`outputs.loss`; `grad.*` = d({loss_name})/d(param) for all {n_grads} parameters of {cls.__name__}.

## golden.safetensors
All floating tensors are F32, all integer tensors I64, scalars have shape [] (rank 0).

{golden_table(golden, HEAD_MEANINGS[sub])}

{SEMANTICS}
{"* Also mathematically zero here: " + ", ".join(f"`{z}`" for z in zero_grads) + " (the same number added to every logit of a softmax)." if zero_grads else ""}

{TOLERANCES}
{measured}""")
        return n_grads

    def ids_text(batch, key):
        return f"`{key}` = {batch[key].tolist()}"

    with_pooler = lambda k: k.startswith("bert.")  # noqa: E731
    no_pooler = lambda k: k.startswith("bert.") and not k.startswith("bert.pooler.")  # noqa: E731

    batch = tokcls_batch(fast)
    labels = {"id2label": {str(i): t for i, t in enumerate(TOKCLS_ID2LABEL)},
              "label2id": {t: i for i, t in enumerate(TOKCLS_ID2LABEL)}}
    n = head_folder("token-cls", BertForTokenClassification, labels, no_pooler, batch, {"labels": "labels"},
                    {"tokcls_logits": "logits"}, "tokcls_loss",
                    text=inputs_tables(tok, batch, "labels", TOKCLS_ID2LABEL) + "\nTags, IOB2, one per word: " +
                    "; ".join(f"`{w}` = {t}" for w, t in TOKCLS_ROWS) + ". Each word's first sub-token "
                    "carries its tag (HF run_ner.py, `label_all_tokens=False`); [CLS], [SEP], padding and "
                    "later sub-tokens carry -100. `tokcls_loss` = CrossEntropy(tokcls_logits.view(-1, 5), "
                    "labels.view(-1)), ignore_index -100.\n")
    assert n == 37 + 2

    batch = mc_batch(tok)
    n = head_folder("multiple-choice", BertForMultipleChoice, {}, with_pooler, batch, {"labels": "labels"},
                    {"mc_logits": "logits"}, "mc_loss", zero_grads=("classifier.bias",),
                    text="input_ids, attention_mask, token_type_ids are [B, C, S] = "
                    f"{list(batch['input_ids'].shape)}: example b, choice c is `[CLS] context [SEP] choice [SEP]`, "
                    "padded to S = 12:\n\n" +
                    "\n".join(f"* example {b} (label {y}): `{c}` + " + " | ".join(f"`{x}`" for x in cs)
                              for b, (c, cs, y) in enumerate(MC_EXAMPLES)) + "\n\n" +
                    ids_text(batch, "input_ids") + ".\n\nHF flattens them to [B·C, S] before BertModel: "
                    "embedding_output, hidden_states.*, attentions.*, last_hidden_state, pooler_output and "
                    "debug.* are the flat [B·C, ...] tensors; `mc_logits` = classifier(pooler_output).view(B, C); "
                    "`mc_loss` = CrossEntropy(mc_logits, labels), a softmax over each example's C choices.\n")
    assert n == 39 + 2

    for sub, cls, keep, batch, label_kwargs, logits, loss_name, what in [
            ("nsp", BertForNextSentencePrediction, lambda k: k.startswith("bert.") or k.startswith("cls.seq_"),
             nsp_batch(tok, NSP_PAIRS), {"labels": "next_sentence_label"}, {"nsp_logits": "logits"}, "nsp_loss",
             "`nsp_loss` = CrossEntropy(nsp_logits [B, 2], next_sentence_label [B]); 0 = sentence B follows A, "
             "1 = B is random. No dropout before `cls.seq_relationship` (HF applies none)."),
            ("pretraining", BertForPreTraining, lambda k: True, pretraining_batch(tok),
             {"labels": "mlm_labels", "next_sentence_label": "next_sentence_label"},
             {"mlm_logits": "prediction_logits", "nsp_logits": "seq_relationship_logits"}, "pretraining_loss",
             "`pretraining_loss` = CrossEntropy(mlm_logits.view(-1, V), mlm_labels.view(-1)) (ignore_index "
             "-100) + CrossEntropy(nsp_logits, next_sentence_label), HF's `total_loss`. The decoder weight is "
             "tied to `bert.embeddings.word_embeddings.weight` (its gradient summed there), its bias is "
             "`cls.predictions.bias`; `debug.mlm_transform_output` is BertPredictionHeadTransform's output.")]:
        n = head_folder(sub, cls, {}, keep, batch, label_kwargs, logits, loss_name,
                        text=inputs_tables(tok, batch, "mlm_labels" if "mlm_labels" in batch else None) +
                        "\n" + ids_text(batch, "next_sentence_label") + ". " + what + "\n")
        assert n == (41 if sub == "nsp" else 46), (sub, n)

    write_text(os.path.join(family, "README.md"), f"""# small-vocab-heads

Four HuggingFace model folders, one per head, on one random backbone with a small vocabulary:

* `token-cls/`: BertForTokenClassification, 5 IOB2 labels (O, B-PER, I-PER, B-LOC, I-LOC), no pooler.
* `multiple-choice/`: BertForMultipleChoice, inputs [B, C, S].
* `nsp/`: BertForNextSentencePrediction (`cls.seq_relationship`).
* `pretraining/`: BertForPreTraining (`cls.predictions` + `cls.seq_relationship`), the layout of
  bert-base-uncased's checkpoint; its model.safetensors is the backbone as drawn.

The vocabulary ({V} tokens) is the first {SMALL_VOCAB_SPECIAL_LINES} lines of bert-base-uncased's vocab.txt
([PAD]=0, [unused*], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103) followed by the wordpieces of the texts
in make_fixtures.py (in bert-base-uncased order): they tokenize as with bert-base-uncased, other text
mostly into [UNK]. Keeping the vocabulary small keeps each folder near 200 kB (tiny-bert's word-embedding
gradient and MLM logits alone are over 1 MB).

Weights: BertForPreTraining drawn as tiny-bert's (torch.Generator seeded with {SEED_SMALL_VOCAB}, in
named_parameters() order: embeddings ~ N(0, 0.02), Linear weights ~ N(0, 1/sqrt(in)), biases ~ N(0, 0.1),
LayerNorm weights ~ U(0.5, 1.5)); the `bert.*` tensors are bit-identical in all four folders (token-cls has
no pooler). The `classifier.*` heads of token-cls and multiple-choice are drawn the same way from a second
generator (seed {SEED_SMALL_VOCAB + 1}).

## Config
hidden_size 32, num_hidden_layers 2, num_attention_heads 4 (head_dim 8), intermediate_size 64,
max_position_embeddings 64, type_vocab_size 2, **vocab_size {V}**, layer_norm_eps 1e-12, hidden_act gelu (erf),
pad_token_id 0.

{HOW_MADE.format(versions=versions())}
""")
    return V


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures"))
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    for part in ("tokenizer", "models"):
        shutil.rmtree(os.path.join(out, part), ignore_errors=True)
    vocab_folder = write_vocab_folder(out)
    n_cases = make_tokenizer_cases(out, vocab_folder)
    V = make_models(out, vocab_folder)
    make_small_vocab_heads(out, vocab_folder)
    make_lab04_golden.make(out)  # lab 04's training step, on the tiny-bert just written
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"wrote {out}: {n_cases} tokenizer cases, tiny models with a {V}-token vocab, {size_str(total)} in all")


if __name__ == "__main__":
    main()
