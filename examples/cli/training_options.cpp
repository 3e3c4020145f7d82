#include "examples/cli/training_options.h"  // defines: TrainingOptions, training_arguments, save_finetuned

#include <fmt/format.h>

#include "bert/checkpoint.h"  // defines: save_pretrained
#include "peft/lora.h"        // defines: apply_lora, save_adapter, merge_and_unload
#include "tensor/error.h"      // defines: BERT_CHECK
#include "viz/curves.h"       // defines: write_history_plot

namespace bertlab::cli {

namespace fs = std::filesystem;

void add_training_options(CLI::App* cmd, TrainingOptions& o, const std::string& default_output,
                          int64_t default_max_length) {
  o.output = default_output;
  o.max_length = default_max_length;  // before the option is added, so --help shows it
  cmd->add_option("--model", o.model, "model folder to start from (config.json, model.safetensors, vocab.txt)")
      ->required();
  cmd->add_option("--train", o.train, "training data")->required();
  cmd->add_option("--eval", o.eval, "evaluation data")->required();
  cmd->add_option("--output", o.output, "folder for the model, history.jsonl and checkpoints")->capture_default_str();
  cmd->add_option("--lora", o.lora, "LoRA instead of full fine-tuning, e.g. r=8,alpha=16,dropout=0.1,targets=query,value");
  add_optimization_options(cmd, o);
  cmd->add_option("--max-train-samples", o.max_train_samples, "use only the first N training examples (0: all)");
  cmd->add_option("--max-eval-samples", o.max_eval_samples, "use only the first N evaluation examples (0: all)");
}

void add_optimization_options(CLI::App* cmd, TrainingOptions& o) {
  cmd->add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  cmd->add_option("--batch-size", o.batch_size, "examples per forward/backward")->capture_default_str();
  cmd->add_option("--gradient-accumulation", o.gradient_accumulation, "forward/backwards per step")->capture_default_str();
  cmd->add_option("--lr", o.lr, "peak learning rate (linear warmup, then linear decay)")->capture_default_str();
  cmd->add_option("--warmup-ratio", o.warmup_ratio, "fraction of the steps spent warming up")->capture_default_str();
  cmd->add_option("--weight-decay", o.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd->add_option("--max-length", o.max_length, "tokens per sequence")->capture_default_str();
  cmd->add_option("--seed", o.seed, "data order and dropout")->capture_default_str();
  cmd->add_option("--resume", o.resume, "continue from a checkpoint-<step> folder");
  cmd->add_flag("--overwrite-output-dir", o.overwrite_output_dir,
                "replace the run already in --output (its checkpoints and history.jsonl)");
  cmd->add_flag("--gradient-checkpointing", o.gradient_checkpointing,
                "recompute each layer in backward instead of keeping its activations: less memory, ~1/3 more time");
  cmd->add_option("--eval-every", o.eval_every, "evaluate every N steps (0: at the end)")->capture_default_str();
  cmd->add_option("--save-every", o.save_every, "checkpoint every N steps (0: at the end)")->capture_default_str();
}

finetune::TrainingArguments training_arguments(const TrainingOptions& o) {
  finetune::TrainingArguments args;
  args.output_dir = o.output;
  args.max_steps = o.steps;
  args.per_device_train_batch_size = o.batch_size;
  args.gradient_accumulation_steps = o.gradient_accumulation;
  args.learning_rate = o.lr;
  args.warmup_ratio = o.warmup_ratio;
  args.weight_decay = o.weight_decay;
  args.eval_steps = o.eval_every;
  args.save_steps = o.save_every;
  args.seed = o.seed;
  args.overwrite_output_dir = o.overwrite_output_dir;
  args.gradient_checkpointing = o.gradient_checkpointing;
  return args;
}

std::optional<peft::LoraConfig> apply_lora_option(nn::Module& model, const TrainingOptions& o,
                                                  const std::string& task_type) {
  if (!o.lora) return std::nullopt;
  BERT_CHECK(!o.lora->empty(), "--lora: empty: expected a spec such as r=8,alpha=16,targets=query,value. Hint: leave "
             "--lora out for full fine-tuning");
  peft::LoraConfig config = peft::LoraConfig::from_cli_spec(*o.lora);
  config.task_type = task_type;
  config.base_model_name_or_path = o.model;
  peft::apply_lora(model, config);
  fmt::print("{}\n", peft::print_trainable_parameters(model));
  return config;
}

void save_finetuned(nn::Module& model, const bert::BertConfig& config, const fs::path& model_folder,
                    const fs::path& output, const std::optional<peft::LoraConfig>& lora,
                    const std::string& torch_dtype) {
  if (lora) {
    peft::save_adapter(model, *lora, output / "adapter");
    peft::merge_and_unload(model);
  }
  bert::save_pretrained(model, config, output, torch_dtype);
  for (const char* file : {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"})
    if (fs::exists(model_folder / file) && !fs::equivalent(model_folder, output))
      fs::copy_file(model_folder / file, output / file, fs::copy_options::overwrite_existing);
  // The training curves, next to the checkpoints (a run resumed at its last step logged nothing new).
  if (fs::exists(output / "history.jsonl") && fs::file_size(output / "history.jsonl") > 0)
    viz::write_history_plot(output / "history.jsonl", output / "history.svg");
  fmt::print("saved the model to {}\n", output.string());
}

}  // namespace bertlab::cli
