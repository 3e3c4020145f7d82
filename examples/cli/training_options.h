// The options finetune-cls and finetune-qa share, and what they do with them: build
// nn::TrainingArguments, and save the fine-tuned model with its tokenizer files.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "bert/config.h"  // defines: BertConfig
#include "nn/trainer.h"   // defines: TrainingArguments

namespace bertlab::cli {

struct TrainingOptions {
  std::string model, train, eval, output, resume;
  int64_t steps = 300, batch_size = 16, gradient_accumulation = 1, max_length = 128, eval_every = 0, save_every = 0;
  int64_t max_train_samples = 0, max_eval_samples = 0;  // 0: all
  double lr = 5e-5, warmup_ratio = 0.1, weight_decay = 0.01;
  uint64_t seed = 42;
};

void add_training_options(CLI::App* cmd, TrainingOptions& o, const std::string& default_output);
nn::TrainingArguments training_arguments(const TrainingOptions& o);

// save_pretrained into `output`, plus the tokenizer files of the starting model folder, so the
// folder is complete for `bertlab classify/qa` and for transformers.
void save_finetuned(const nn::Module& model, const bert::BertConfig& config, const std::filesystem::path& model_folder,
                    const std::filesystem::path& output);

}  // namespace bertlab::cli
