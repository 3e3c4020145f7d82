// The options finetune-cls and finetune-qa share, and what they do with them: build
// finetune::TrainingArguments, and save the fine-tuned model with its tokenizer files.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include <optional>

#include "bert/config.h"       // defines: BertConfig
#include "peft/lora_config.h"  // defines: LoraConfig
#include "finetune/trainer.h"   // defines: TrainingArguments

namespace bertlab::cli {

struct TrainingOptions {
  std::string model, train, eval, output, resume;
  std::optional<std::string> lora;  // e.g. "r=8,alpha=16,targets=query,value"; none: full fine-tuning
  bool overwrite_output_dir = false, gradient_checkpointing = false;
  int64_t steps = 300, batch_size = 16, gradient_accumulation = 1, max_length = 128, eval_every = 0, save_every = 0;
  int64_t max_train_samples = 0, max_eval_samples = 0;  // 0: all
  double lr = 5e-5, warmup_ratio = 0.1, weight_decay = 0.01;
  uint64_t seed = 42;
};

void add_training_options(CLI::App* cmd, TrainingOptions& o, const std::string& default_output,
                          int64_t default_max_length);
// The part every training command shares (pretrain too): steps, batch, optimizer, schedule,
// sequence length, seed, evaluation/checkpoint cadence, --resume and --overwrite-output-dir.
void add_optimization_options(CLI::App* cmd, TrainingOptions& o);
finetune::TrainingArguments training_arguments(const TrainingOptions& o);

// With --lora: put LoRA adapters on the target Linears and freeze the rest, except the head that
// PEFT's task_type ("SEQ_CLS", "QUESTION_ANS") trains fully; prints PEFT's trainable-parameter line.
std::optional<peft::LoraConfig> apply_lora_option(nn::Module& model, const TrainingOptions& o,
                                                  const std::string& task_type);

// save_pretrained into `output`, plus the tokenizer files of the starting model folder, so the
// folder is complete for `bertlab classify/qa` and for transformers. A LoRA run also saves the
// PEFT adapter in output/adapter, then merges it, so `output` is a plain model. The training
// curves of output/history.jsonl are drawn into output/history.svg. torch_dtype: the weights'
// dtype in model.safetensors (float32, or float16 for half the size); checkpoints stay float32.
void save_finetuned(nn::Module& model, const bert::BertConfig& config, const std::filesystem::path& model_folder,
                    const std::filesystem::path& output, const std::optional<peft::LoraConfig>& lora,
                    const std::string& torch_dtype = "float32");

}  // namespace bertlab::cli
