"""The twin of `bertlab finetune-qa` and `bertlab finetune-cls` in HuggingFace transformers + PEFT on
PyTorch: the same data selection, windows, labels, optimizer, schedule, clipping, batches and metrics,
so a bertlab run can be put beside the same run here.

    python3 bench/finetune_hf.py qa  --model DIR --train F.json --eval F.json [--train-articles 0:40
        --eval-articles 40:48 --max-length 384 --doc-stride 128] [training options]
    python3 bench/finetune_hf.py cls --model DIR --train train.tsv --eval dev.tsv [--text sentence
        --text-pair COL --label label] [training options]
  training options, spelled and defaulted as bertlab's: --steps 300 --batch-size 16
    --gradient-accumulation 1 --lr 5e-5 --warmup-ratio 0.1 --weight-decay 0.01 --max-length 128
    (qa: 384) --seed 42 --eval-every 0 --max-train-samples 0 --max-eval-samples 0 --output DIR
    --lora r=8,alpha=16,dropout=0.0,targets=query,value;  and --threads T (bertlab: OMP_NUM_THREADS=T).
  Not here: --resume and --save-every (the model is saved once, at the end).

What is the same as bertlab, by construction:
  * data order: bertlab's example stream (epoch 0's Fisher-Yates shuffle with std::mt19937_64 seeded
    seed*1000003+epoch, then epoch 1's, ...) is recomputed here number for number, so step t trains
    on the same examples on both sides;
  * the loop of finetune::Trainer: K micro-batches of mean loss / K, lr = linear warmup (ceil(ratio*steps)
    steps, first step at lr 0) then linear decay, clip_grad_norm_ 1.0, torch.optim.AdamW with
    weight decay except for biases and LayerNorm weights, only requires_grad parameters;
  * QA windows (fast tokenizer, only_second truncation, stride, overflow, offsets), answer labels
    (0 = [CLS] when the answer is not whole in the window), each batch cut to its longest window,
    post-processing (n-best 20, max answer length 30) and the official SQuAD v1.1 EM/F1.
What differs: random numbers (head and LoRA init, dropout masks) come from torch, not bertlab;
PEFT's trainable-parameter line counts the head twice in "all params" (a second line counts it once);
and the answer label follows bertlab where run_qa.py has a quirk (see label_window).
At the end it prints the metrics as bertlab does ("eval_f1 = 6.35"), then steps, times, training
tokens/s and peak RSS in the same "name = value" form. history.jsonl goes to --output, as bertlab's.
Not needed by the build or the tests; runs with transformers 4.40 + peft 0.10 and newer.
"""
import argparse
import collections
import csv
import json
import math
import os
import re
import resource
import string
import sys
import time

import torch
from peft import LoraConfig, get_peft_model, get_peft_model_state_dict
from safetensors.torch import save_file
from transformers import BertForQuestionAnswering, BertForSequenceClassification, BertTokenizerFast

QA_EVAL_BATCH, CLS_EVAL_BATCH, N_BEST, MAX_ANSWER_LENGTH, MAX_GRAD_NORM = 16, 32, 20, 30, 1.0
PUNCTUATION = set(string.punctuation)

# ---------------------------------------------------------------------------------------------
# Data order: finetune::Trainer's example stream, recomputed exactly
# ---------------------------------------------------------------------------------------------

MASK64 = (1 << 64) - 1


class MersenneTwister64:
    """std::mt19937_64 as the C++ standard defines it, the engine of bertlab's Generator."""

    N, M, A = 312, 156, 0xB5026F5AA96619E9
    UPPER, LOWER = MASK64 ^ 0x7FFFFFFF, 0x7FFFFFFF  # the top 33 bits, the low 31 bits

    def __init__(self, seed):
        self.state = [seed & MASK64]
        for i in range(1, self.N):
            prev = self.state[-1]
            self.state.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK64)
        self.index = self.N

    def next_u64(self):
        if self.index == self.N:
            self._twist()
        y = self.state[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        return y ^ (y >> 43)

    def _twist(self):
        s = self.state
        for i in range(self.N):
            x = (s[i] & self.UPPER) | (s[(i + 1) % self.N] & self.LOWER)
            s[i] = s[(i + self.M) % self.N] ^ (x >> 1) ^ (self.A if x & 1 else 0)
        self.index = 0


class ExampleStream:
    """Micro-batch m holds examples m*B .. (m+1)*B-1 of: epoch 0's shuffle, epoch 1's, ..."""

    def __init__(self, seed, num_examples, batch_size):
        self.seed, self.n, self.batch_size, self.epochs = seed, num_examples, batch_size, {}

    def permutation(self, epoch):  # Fisher-Yates, as Trainer's epoch_permutation
        if epoch not in self.epochs:
            order, gen = list(range(self.n)), MersenneTwister64((self.seed * 1000003 + epoch) & MASK64)
            for i in range(self.n - 1, 0, -1):
                j = gen.next_u64() % (i + 1)
                order[i], order[j] = order[j], order[i]
            self.epochs = {epoch: order}  # batches move forward: keep only the current epoch
        return self.epochs[epoch]

    def micro_batch(self, m):
        ks = range(m * self.batch_size, (m + 1) * self.batch_size)
        return [self.permutation(k // self.n)[k % self.n] for k in ks]


# ---------------------------------------------------------------------------------------------
# The loop (finetune::Trainer): AdamW in two weight-decay groups, warmup + linear decay, clipping
# ---------------------------------------------------------------------------------------------


def linear_schedule_with_warmup(base_lr, step, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * step / max(1, warmup_steps)
    return base_lr * max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))


def decay_groups(named_params, weight_decay):
    """HF Trainer's split: no weight decay for biases and LayerNorm weights."""
    def no_decay(name):
        return name.endswith("bias") or "LayerNorm.weight" in name

    return [{"params": [p for n, p in named_params if not no_decay(n)], "weight_decay": weight_decay},
            {"params": [p for n, p in named_params if no_decay(n)], "weight_decay": 0.0}]


def hms(seconds):
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def log(args, values, step):
    if args.output:
        with open(os.path.join(args.output, "history.jsonl"), "a") as f:
            f.write(json.dumps({"step": step, **values}, sort_keys=True, separators=(",", ":")) + "\n")


def evaluate(model, args, eval_fn, step):
    metrics = {"eval_" + k: v for k, v in eval_fn().items()}
    model.train()
    log(args, metrics, step)
    print(f"\nstep {step}:" + "".join(f" {k} {v:.4f}" for k, v in sorted(metrics.items())), file=sys.stderr)
    return metrics


def train(model, args, num_examples, loss_fn, eval_fn):
    """Returns the last evaluation's metrics and {"train_seconds", "tokens"}."""
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(decay_groups(trainable, args.weight_decay), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    params = [p for _, p in trainable]
    stream = ExampleStream(args.seed, num_examples, args.batch_size)
    warmup, K = math.ceil(args.warmup_ratio * args.steps), args.gradient_accumulation
    if args.output:
        os.makedirs(args.output, exist_ok=True)
        open(os.path.join(args.output, "history.jsonl"), "w").close()
    torch.manual_seed(args.seed)  # dropout masks
    model.train()
    train_seconds, tokens, metrics = 0.0, 0, {}
    for step in range(args.steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = 0.0
        for a in range(K):  # each micro-batch's mean loss / K: the gradient of the mean
            micro_loss, num_tokens = loss_fn(stream.micro_batch(step * K + a))
            (micro_loss / K).backward()
            loss += micro_loss.item() / K
            tokens += num_tokens
        lr = linear_schedule_with_warmup(args.lr, step, warmup, args.steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        grad_norm = torch.nn.utils.clip_grad_norm_(params, MAX_GRAD_NORM).item()
        optimizer.step()
        train_seconds += time.perf_counter() - start
        done = step + 1
        log(args, {"loss": loss, "lr": lr, "grad_norm": grad_norm}, done)
        eta = hms(train_seconds / done * (args.steps - done))
        print(f"\rstep {done}/{args.steps} | loss {loss:.4f} | lr {lr:.2e} | {tokens / train_seconds:.0f} tokens/s"
              f" | ETA {eta}   ", end="", file=sys.stderr, flush=True)
        if (args.eval_every > 0 and done % args.eval_every == 0) or done == args.steps:
            metrics = evaluate(model, args, eval_fn, done)
    return metrics, {"train_seconds": train_seconds, "tokens": tokens}


# ---------------------------------------------------------------------------------------------
# LoRA: bertlab's --lora spec -> PEFT's LoraConfig; PEFT's task model keeps the head trainable
# ---------------------------------------------------------------------------------------------


def parse_lora_spec(spec):
    """'r=8,alpha=16,dropout=0.1,targets=query,value' (targets take every item without '=')."""
    fields, key = {"r": 8, "alpha": 8.0, "dropout": 0.0, "targets": []}, ""
    for item in spec.split(","):
        if "=" in item:
            key, item = item.split("=", 1)
        if key not in fields or not item:
            sys.exit(f"error: --lora: expected items like r=8,alpha=16,dropout=0.1,targets=query,value, got \"{spec}\"")
        if key == "targets":
            fields["targets"].append(item)
        else:
            fields[key] = type(fields[key])(item)
    return fields


def apply_lora(model, spec, task_type):
    """task_type "SEQ_CLS" trains `classifier` fully, "QUESTION_ANS" `qa_outputs` (PEFT's modules_to_save)."""
    if not spec:
        return model
    lora = parse_lora_spec(spec)
    alpha = int(lora["alpha"]) if lora["alpha"].is_integer() else lora["alpha"]  # PEFT's field is an int
    config = LoraConfig(task_type=task_type, r=lora["r"], lora_alpha=alpha, lora_dropout=lora["dropout"],
                        target_modules=lora["targets"] or ["query", "value"])
    model = get_peft_model(model, config)
    model.print_trainable_parameters()
    # PEFT's "all params" holds the head twice (the frozen original and its trained copy); bertlab's once.
    once = sum(p.numel() for n, p in model.named_parameters() if ".original_module." not in n)
    print(f"(all params counting the head once, as bertlab: {once:,d})")
    return model


def save_finetuned(model, tokenizer, args):
    """As bertlab: a LoRA run saves the adapter in output/adapter, then the merged model in output."""
    if not args.output:
        return
    if args.lora:  # what PeftModel.save_pretrained writes, without its model card (that needs Jinja2)
        adapter, config = os.path.join(args.output, "adapter"), model.peft_config["default"]
        config.inference_mode = True  # as PEFT writes it
        config.save_pretrained(adapter)
        weights = get_peft_model_state_dict(model, save_embedding_layers=False)  # "base_model.model.<module>..."
        save_file(weights, os.path.join(adapter, "adapter_model.safetensors"), {"format": "pt"})
        model = model.merge_and_unload()
    model.save_pretrained(args.output)
    tokenizer.save_pretrained(args.output)
    print(f"saved the fine-tuned model to {args.output}")


# ---------------------------------------------------------------------------------------------
# Classification (finetune/classification_data.cpp, finetune/finetune.cpp)
# ---------------------------------------------------------------------------------------------


def read_classification_file(path, text, text_pair, label, label_names=None):
    """Columns by header name or 0-based index; .csv is quoted CSV, anything else plain TSV."""
    columns = [c for c in (text, text_pair, label) if c]
    has_header = not all(c.isdigit() for c in columns)
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = [line.rstrip("\r\n") for line in f]
    lines = [line for line in lines if line]
    rows = list(csv.reader(lines)) if path.endswith(".csv") else [line.split("\t") for line in lines]
    header = rows.pop(0) if has_header else []
    index = {c: int(c) if c.isdigit() else header.index(c) for c in columns}
    data = {"texts": [r[index[text]] for r in rows],
            "pairs": [r[index[text_pair]] for r in rows] if text_pair else None}
    raw = [r[index[label]] for r in rows]
    if label_names is None:  # sorted, numerically when all are integers ("2" before "10")
        distinct = set(raw)
        label_names = sorted(distinct, key=int) if all(x.isdigit() for x in distinct) else sorted(distinct)
    data["labels"] = [label_names.index(x) for x in raw]  # ValueError: an eval label unseen in training
    data["label_names"] = label_names
    return data


def keep_first(data, n):
    if 0 < n < len(data["texts"]):
        for key in ("texts", "pairs", "labels"):
            data[key] = data[key][:n] if data[key] is not None else None


def encode_rows(tokenizer, data, rows, max_length):  # padding to the longest row of this batch
    texts = [data["texts"][r] for r in rows]
    pairs = [data["pairs"][r] for r in rows] if data["pairs"] else None
    return tokenizer(texts, pairs, padding=True, truncation=True, max_length=max_length, return_tensors="pt")


def evaluate_classification(model, tokenizer, data, max_length):
    model.eval()
    predictions = []
    with torch.no_grad():
        for begin in range(0, len(data["texts"]), CLS_EVAL_BATCH):
            rows = range(begin, min(begin + CLS_EVAL_BATCH, len(data["texts"])))
            predictions += model(**encode_rows(tokenizer, data, rows, max_length)).logits.argmax(-1).tolist()
    labels = data["labels"]
    metrics = {"accuracy": sum(p == y for p, y in zip(predictions, labels)) / len(labels)}
    if len(data["label_names"]) == 2:  # F1 of label 1
        tp = sum(p == 1 and y == 1 for p, y in zip(predictions, labels))
        wrong = sum(p != y for p, y in zip(predictions, labels))
        metrics["f1"] = 2 * tp / (2 * tp + wrong) if tp else 0.0
    return metrics


def run_cls(args):
    tokenizer = BertTokenizerFast.from_pretrained(args.model)
    train_data = read_classification_file(args.train, args.text, args.text_pair, args.label)
    eval_data = read_classification_file(args.eval, args.text, args.text_pair, args.label, train_data["label_names"])
    keep_first(train_data, args.max_train_samples)
    keep_first(eval_data, args.max_eval_samples)
    names = train_data["label_names"]
    print(f"{len(train_data['texts'])} training and {len(eval_data['texts'])} evaluation examples, "
          f"labels [{', '.join(names)}]")
    model = BertForSequenceClassification.from_pretrained(
        args.model, num_labels=len(names), id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)})
    model = apply_lora(model, args.lora, "SEQ_CLS")

    def loss_fn(rows):
        batch = encode_rows(tokenizer, train_data, rows, args.max_length)
        labels = torch.tensor([train_data["labels"][r] for r in rows])
        return model(**batch, labels=labels).loss, int(batch["attention_mask"].sum())

    metrics, stats = train(model, args, len(train_data["texts"]), loss_fn,
                           lambda: evaluate_classification(model, tokenizer, eval_data, args.max_length))
    return model, tokenizer, {k: f"{v:.4f}" for k, v in sorted(metrics.items())}, stats


# ---------------------------------------------------------------------------------------------
# Question answering (finetune/squad.cpp, finetune/finetune.cpp, examples/cli/finetune_qa.cpp)
# ---------------------------------------------------------------------------------------------


def read_squad(path):
    with open(path, encoding="utf-8") as f:
        root = json.load(f)
    return [{"id": qa["id"], "title": article.get("title", ""), "question": qa["question"],
             "context": paragraph["context"], "answers": qa["answers"]}
            for article in root["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]


def select_articles(examples, spec):
    """Questions of articles BEGIN:END in file order; a new article starts where the title changes."""
    if not spec:
        return examples
    begin, end = (int(x) for x in spec.split(":"))
    kept, article, title = [], -1, None
    for ex in examples:
        if article < 0 or ex["title"] != title:
            article, title = article + 1, ex["title"]
        if begin <= article < end:
            kept.append(ex)
    return kept


def label_window(sequence_ids, offsets, start_char, end_char):
    """(start, end) tokens of the answer, or (0, 0) = [CLS] when it is not whole in the window.
    As run_qa.py, except that the forward walk stops at the last context token (run_qa's walks
    on through [SEP] and padding, whose offsets are (0, 0)), as bertlab's label_window does."""
    context = [i for i, s in enumerate(sequence_ids) if s == 1]
    if not context or offsets[context[0]][0] > start_char or offsets[context[-1]][1] < end_char:
        return 0, 0
    first, last = context[0], context[-1]
    while first <= context[-1] and offsets[first][0] <= start_char:
        first += 1
    while last >= 0 and offsets[last][1] >= end_char:
        last -= 1
    return first - 1, last + 1


def prepare_qa_features(tokenizer, examples, max_length, doc_stride):
    """One row per window: [CLS] question [SEP] context window [SEP] [PAD]..., as run_qa.py."""
    enc = tokenizer([ex["question"].lstrip() for ex in examples], [ex["context"] for ex in examples],
                    truncation="only_second", max_length=max_length, stride=doc_stride,
                    return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")
    features = {"example_index": enc["overflow_to_sample_mapping"], "is_context": [], "offsets": enc["offset_mapping"],
                "start_positions": [], "end_positions": []}
    for i, example_index in enumerate(features["example_index"]):
        sequence_ids = enc.sequence_ids(i)
        features["is_context"].append([s == 1 for s in sequence_ids])
        answers = examples[example_index]["answers"]
        start, end = 0, 0
        if answers:  # the first answer is the training target
            start_char = answers[0]["answer_start"]  # in code points, as Python's str
            end_char = start_char + len(answers[0]["text"])
            start, end = label_window(sequence_ids, enc["offset_mapping"][i], start_char, end_char)
        features["start_positions"].append(start)
        features["end_positions"].append(end)
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        features[key] = torch.tensor(enc[key])  # [windows, max_length]
    return features


def window_batch(features, rows):
    """Windows `rows`, cut to the longest real length among them (the rest is padding)."""
    rows = torch.tensor(rows)
    longest = int(features["attention_mask"][rows].sum(1).max())
    return {key: features[key][rows, :longest] for key in ("input_ids", "attention_mask", "token_type_ids")}


def top_k(logits, k):  # highest first; ties: the lower index first, as bertlab
    return torch.sort(logits, descending=True, stable=True).indices[:k].tolist()


def postprocess_qa_predictions(examples, features, start_logits, end_logits):
    """The best start+end logit over all windows of each example, spans inside the context, end >= start,
    at most MAX_ANSWER_LENGTH tokens; returns the answer text of each example ("" when none is valid)."""
    candidates = collections.defaultdict(list)
    for i, example_index in enumerate(features["example_index"]):
        is_context, offsets = features["is_context"][i], features["offsets"][i]
        start, end = start_logits[i].tolist(), end_logits[i].tolist()  # float32 -> Python floats (double)
        for s in top_k(start_logits[i], N_BEST):
            for e in top_k(end_logits[i], N_BEST):
                if not (is_context[s] and is_context[e]) or e < s or e - s + 1 > MAX_ANSWER_LENGTH:
                    continue
                candidates[example_index].append((start[s] + end[e], offsets[s][0], offsets[e][1]))
    answers = []
    for e, ex in enumerate(examples):
        best = max(candidates[e], key=lambda c: c[0], default=None)  # the first of equal scores
        answers.append(ex["context"][best[1]:best[2]] if best else "")
    return answers


def normalize_answer(s):
    """The official SQuAD v1.1 normalization: lower case, no punctuation, no a/an/the, single spaces."""
    s = "".join(ch for ch in s.lower() if ch not in PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", s).split())


def f1_score(prediction, ground_truth):
    pred, truth = normalize_answer(prediction).split(), normalize_answer(ground_truth).split()
    same = sum((collections.Counter(pred) & collections.Counter(truth)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(truth)
    return 2 * precision * recall / (precision + recall)


def squad_metrics(predictions, examples):
    """{"exact_match", "f1"} in percent, each the max over an example's answers, averaged."""
    em = f1 = 0.0
    for prediction, ex in zip(predictions, examples):
        truths = [a["text"] for a in ex["answers"]]
        em += max((float(normalize_answer(prediction) == normalize_answer(t)) for t in truths), default=0.0)
        f1 += max((f1_score(prediction, t) for t in truths), default=0.0)
    n = max(len(examples), 1)
    return {"exact_match": 100.0 * em / n, "f1": 100.0 * f1 / n}


def evaluate_qa(model, examples, features):
    model.eval()  # model: a BertForQuestionAnswering, or PEFT's base_model (see run_qa)
    start_logits, end_logits = [], []
    with torch.no_grad():
        num_windows = len(features["example_index"])
        for begin in range(0, num_windows, QA_EVAL_BATCH):
            out = model(**window_batch(features, list(range(begin, min(begin + QA_EVAL_BATCH, num_windows)))))
            start_logits += list(out.start_logits)  # [S] each, S = the batch's longest window
            end_logits += list(out.end_logits)
    return squad_metrics(postprocess_qa_predictions(examples, features, start_logits, end_logits), examples)


def run_qa(args):
    tokenizer = BertTokenizerFast.from_pretrained(args.model)
    train_examples = select_articles(read_squad(args.train), args.train_articles)
    eval_examples = select_articles(read_squad(args.eval), args.eval_articles)
    if args.max_train_samples > 0:  # after the article selection, as bertlab
        train_examples = train_examples[:args.max_train_samples]
    if args.max_eval_samples > 0:
        eval_examples = eval_examples[:args.max_eval_samples]
    train_features = prepare_qa_features(tokenizer, train_examples, args.max_length, args.doc_stride)
    eval_features = prepare_qa_features(tokenizer, eval_examples, args.max_length, args.doc_stride)
    num_train_windows = len(train_features["example_index"])
    print(f"{len(train_examples)} training questions -> {num_train_windows} windows; "
          f"{len(eval_examples)} evaluation questions -> {len(eval_features['example_index'])} windows")
    model = apply_lora(BertForQuestionAnswering.from_pretrained(args.model), args.lora, "QUESTION_ANS")
    # PEFT's PeftModelForQuestionAnswering.forward (0.21) does not pass token_type_ids on: the
    # question and the context would share segment 0. Its base_model (the LoRA-wrapped BERT) gets
    # all the inputs, as bertlab's model does.
    forward = model.base_model if args.lora else model

    def loss_fn(rows):
        batch = window_batch(train_features, rows)
        out = forward(**batch, start_positions=torch.tensor([train_features["start_positions"][r] for r in rows]),
                    end_positions=torch.tensor([train_features["end_positions"][r] for r in rows]))
        return out.loss, int(batch["attention_mask"].sum())

    metrics, stats = train(model, args, num_train_windows, loss_fn,
                           lambda: evaluate_qa(forward, eval_examples, eval_features))
    return model, tokenizer, {k: f"{v:.2f}" for k, v in sorted(metrics.items())}, stats


# ---------------------------------------------------------------------------------------------
# Command line: bertlab's options, names and defaults
# ---------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    qa = commands.add_parser("qa", help="as bertlab finetune-qa (SQuAD v1.1 JSON)")
    cls = commands.add_parser("cls", help="as bertlab finetune-cls (TSV/CSV, GLUE style)")
    for sub, max_length, output in ((qa, 384, "finetuned-qa-hf"), (cls, 128, "finetuned-cls-hf")):
        sub.add_argument("--model", required=True, help="model folder (config.json, model.safetensors, vocab.txt)")
        sub.add_argument("--train", required=True)
        sub.add_argument("--eval", required=True)
        sub.add_argument("--steps", type=int, default=300)
        sub.add_argument("--batch-size", type=int, default=16)
        sub.add_argument("--gradient-accumulation", type=int, default=1)
        sub.add_argument("--lr", type=float, default=5e-5)
        sub.add_argument("--warmup-ratio", type=float, default=0.1)
        sub.add_argument("--weight-decay", type=float, default=0.01)
        sub.add_argument("--max-length", type=int, default=max_length)
        sub.add_argument("--seed", type=int, default=42)
        sub.add_argument("--output", default=output, help="history.jsonl and the model; '' = nothing written")
        sub.add_argument("--lora", default="", help="e.g. r=8,alpha=16,dropout=0.1,targets=query,value")
        sub.add_argument("--eval-every", type=int, default=0)
        sub.add_argument("--max-train-samples", type=int, default=0)
        sub.add_argument("--max-eval-samples", type=int, default=0)
        sub.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    qa.add_argument("--doc-stride", type=int, default=128)
    qa.add_argument("--train-articles", default="")
    qa.add_argument("--eval-articles", default="")
    cls.add_argument("--text", default="sentence")
    cls.add_argument("--text-pair", default="")
    cls.add_argument("--label", default="label")
    return parser.parse_args()


def main():
    args = parse_args()
    wall_start = time.perf_counter()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # the new head and the LoRA matrices
    model, tokenizer, metrics, stats = (run_qa if args.command == "qa" else run_cls)(args)
    for name, value in metrics.items():
        print(f"{name} = {value}")
    save_finetuned(model, tokenizer, args)
    print(f"steps = {args.steps}")
    print(f"wall_seconds = {time.perf_counter() - wall_start:.1f}")
    print(f"train_seconds = {stats['train_seconds']:.1f}")
    print(f"train_tokens_per_second = {stats['tokens'] / stats['train_seconds']:.0f}")
    print(f"peak_rss_mb = {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"threads = {torch.get_num_threads()}")
    print(f"torch = {torch.__version__}")


if __name__ == "__main__":
    main()
