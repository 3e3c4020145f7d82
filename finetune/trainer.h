// Trainer: the fine-tuning loop every task shares (HF's Trainer, in a few hundred lines).
//
// A task gives the model, how many training examples it has, a function that turns a list of
// example indices into a loss, and (optionally) a function that evaluates. The Trainer does the
// rest: shuffling, gradient accumulation, AdamW with linear warmup/decay, gradient clipping, a
// progress bar, periodic evaluation, history.jsonl, and checkpoints it can resume from exactly.
//   TrainingArguments args;  args.max_steps = 200;  args.output_dir = "runs/sst2";
//   Trainer trainer(model, args, n_train, [&](const std::vector<int64_t>& ids) { ... return loss; });
//   trainer.train();                       // or trainer.train("runs/sst2/checkpoint-100")
// Only parameters with requires_grad are trained, so LoRA is "apply_lora, then build the Trainer".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "finetune/memory_ledger.h"  // defines: MemoryLedger
#include "nn/module.h"  // defines: Module
#include "nn/optim.h"   // defines: AdamW

namespace bertlab::finetune {

// HF's TrainingArguments, the fields this loop uses (same names).
struct TrainingArguments {
  std::filesystem::path output_dir;        // history.jsonl and checkpoint-<step>/ go here
  int64_t max_steps = 100;                 // optimizer steps
  int64_t per_device_train_batch_size = 8; // examples per forward/backward
  int64_t gradient_accumulation_steps = 1; // forward/backwards per optimizer step
  double learning_rate = 5e-5;
  double weight_decay = 0.01;
  double warmup_ratio = 0.1;               // warmup steps = ceil(ratio * max_steps)
  float max_grad_norm = 1.0f;
  int64_t eval_steps = 0;                  // evaluate every N steps (0: only at the end)
  int64_t save_steps = 0;                  // checkpoint every N steps (0: only at the end)
  int64_t logging_steps = 1;               // a history line every N steps
  uint64_t seed = 42;                      // data order and dropout
  bool disable_tqdm = false;               // the progress bar on stderr
  bool overwrite_output_dir = false;       // replace a run already in output_dir (else: refused)
  bool gradient_checkpointing = false;     // recompute each layer in backward: less memory, ~1/3 more time
};

// What the task's loss function returns for one micro-batch.
struct StepOutput {
  Tensor loss;         // [] mean over the micro-batch
  int64_t num_tokens;  // non-padding tokens, for the tokens/s figure
};
using LossFn = std::function<StepOutput(const std::vector<int64_t>& example_indices)>;
using EvalFn = std::function<std::map<std::string, double>()>;  // {"accuracy": 0.93}

class Trainer {
 public:
  Trainer(nn::Module& model, TrainingArguments args, int64_t num_train_examples, LossFn loss_fn, EvalFn eval_fn = {});

  // Runs to max_steps; from a checkpoint folder if given. Returns the last step's loss.
  // Throws, naming the step, when the loss or the gradient norm stops being finite.
  double train(const std::optional<std::filesystem::path>& resume_from_checkpoint = std::nullopt);
  // The epoch (pass over the data, from 0) of each example of the micro-batch whose loss is being
  // computed, in the order of the loss function's example_indices: for data drawn afresh every
  // epoch, as the MLM masks are (finetune/mlm_masking.h). Read it inside the loss function.
  const std::vector<int64_t>& micro_batch_epochs() const { return micro_batch_epochs_; }
  // The metrics of the last evaluation, with an "eval_" prefix.
  const std::map<std::string, double>& last_metrics() const { return last_metrics_; }
  // Where the memory of a step went, measured at this run's first step; printed on stderr
  // with the progress bar.
  const MemoryLedger& memory_ledger() const { return memory_ledger_; }

  // Checkpoint folder: model.safetensors, optimizer.safetensors, trainer_state.json. Published
  // whole or not at all: written and synced to disk as <dir>.tmp, then renamed to <dir>.
  void save_checkpoint(const std::filesystem::path& dir) const;
  void load_checkpoint(const std::filesystem::path& dir);

  int64_t global_step = 0;

 private:
  void prepare_output_dir(const std::optional<std::filesystem::path>& resume_from_checkpoint) const;
  // Example indices of one micro-batch, shuffled per epoch; their epochs into micro_batch_epochs_.
  std::vector<int64_t> micro_batch(int64_t micro_step);
  void log(const std::map<std::string, double>& values) const;
  void evaluate();
  void record_memory_ledger();  // fills memory_ledger_ after its step, prints it
  std::vector<std::vector<std::string>> optimizer_param_names() const;

  nn::Module& model_;
  TrainingArguments args_;
  int64_t num_examples_;
  LossFn loss_fn_;
  EvalFn eval_fn_;
  std::vector<std::pair<std::string, Tensor>> trainable_;  // requires_grad only
  std::unique_ptr<nn::AdamW> optimizer_;
  MemoryLedger memory_ledger_;
  std::map<std::string, double> last_metrics_;
  std::vector<int64_t> micro_batch_epochs_;
};

}  // namespace bertlab::finetune
