// peft::LoraConfig: which Linears get a LoRA adapter and how big, as PEFT's LoraConfig.
//
//   LoraConfig config;  config.r = 8;  config.lora_alpha = 16;  config.target_modules = {"query", "value"};
//   config.to_json_string()        // PEFT's adapter_config.json: peft_type "LORA", r, lora_alpha, ...
//   LoraConfig::from_json_file("adapter/adapter_config.json")   // reads one PEFT wrote
// A target names modules by suffix: "query" matches "encoder.layer.3.attention.self.query".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bertlab::peft {

struct LoraConfig {
  int64_t r = 8;              // rank of ΔW = B·A
  double lora_alpha = 8;      // scaling = lora_alpha / r
  double lora_dropout = 0.0;  // dropout on the input of the LoRA path (training only)
  std::vector<std::string> target_modules;   // Linear module names or name suffixes
  std::vector<std::string> modules_to_save;  // modules trained fully and saved (e.g. "classifier")
  std::string bias = "none";                 // only "none": biases stay frozen
  bool use_rslora = false;                   // scaling = lora_alpha / √r instead
  std::string task_type;                     // PEFT's TaskType ("SEQ_CLS", "QUESTION_ANS"); "" = null
  std::string base_model_name_or_path;       // written as given; "" = null

  double scaling() const;

  // PEFT's adapter_config.json. Reading rejects what bertlab does not implement (DoRA,
  // fan_in_fan_out, rank_pattern, a regex target_modules, ...) with an error naming the field.
  static LoraConfig from_json_file(const std::filesystem::path& path);
  static LoraConfig from_json_string(const std::string& text, const std::string& source);
  // The command line's short form: "r=8,alpha=16,dropout=0.1,targets=query,value" (targets
  // take every following item without '='). Unset fields keep their defaults; targets default
  // to PEFT's for BERT, {"query", "value"}.
  static LoraConfig from_cli_spec(const std::string& spec);
  std::string to_json_string() const;
};

}  // namespace bertlab::peft
