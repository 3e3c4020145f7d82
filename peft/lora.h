// LoRA on a whole model, as HuggingFace PEFT does it: pick Linears by name, wrap each in an
// nn::LoRALinear, freeze everything else, and save/load only the small adapter.
//
//   LoraConfig config;  config.r = 8;  config.lora_alpha = 16;  config.target_modules = {"query", "value"};
//   apply_lora(model, config);                 // like peft.get_peft_model(model, config)
//   print_trainable_parameters(model)          // "trainable params: 294,912 || all params: ..."
//   ... train: only lora_A / lora_B (and config.modules_to_save) receive gradients ...
//   save_adapter(model, config, "adapter/");   // adapter_config.json + adapter_model.safetensors
//   load_adapter(other_model, "adapter/");     // applies the saved config, then loads A and B
//   merge_and_unload(model);                   // W += scaling·B·A; back to plain Linears
// Module names are the model's (for BertForMaskedLM "bert.encoder.layer.0.attention.self.query");
// the adapter file keys are PEFT's: "base_model.model.<module>.lora_A.weight".
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "peft/lora_config.h"  // defines: LoraConfig
#include "nn/lora.h"           // defines: LoRALinear
#include "nn/module.h"         // defines: Module

namespace bertlab::peft {

// PEFT's rule: module `name` is targeted by `target` when name == target or name ends with "." + target.
bool matches_target(const std::string& module_name, const std::string& target);

// Wraps every nn::Linear whose name matches a target in a LoRALinear (lora_A kaiming-uniform,
// lora_B zero), freezes every other parameter, and keeps config.modules_to_save trainable, plus
// the new head when task_type says so, as PEFT's task models do ("SEQ_CLS", "TOKEN_CLS":
// classifier; "QUESTION_ANS": qa_outputs).
// A target or module to save that matches nothing is an error, as is a target naming a non-Linear.
void apply_lora(nn::Module& model, const LoraConfig& config);

// PEFT's line: "trainable params: 294,912 || all params: 109,777,152 || trainable%: 0.2686".
std::string print_trainable_parameters(const nn::Module& model);

// The adapted Linears, by module name, in model order.
std::vector<std::pair<std::string, const nn::LoRALinear*>> lora_modules(const nn::Module& model);

// What save_adapter writes, key -> parameter (shared, not copied): the LoRA tensors as
// "base_model.model.<module>.lora_A.weight" / ".lora_B.weight" and every parameter of
// module to save (see apply_lora) as "base_model.model.<module>.<param>" (e.g. "...classifier.weight").
std::map<std::string, Tensor> adapter_state_dict(const nn::Module& model, const LoraConfig& config);

// Folds each adapter into its base weight, W ← W + scaling·B·A, and puts the plain Linear back,
// so the model's names and forward are a normal model's again. Base weights stay frozen, as in PEFT.
void merge_and_unload(nn::Module& model);

// PEFT's adapter folder: adapter_config.json + adapter_model.safetensors (metadata format "pt").
void save_adapter(const nn::Module& model, const LoraConfig& config, const std::filesystem::path& dir);
// apply_lora(model, dir/adapter_config.json) and load dir/adapter_model.safetensors into it; the
// adapter stays trainable (PEFT's from_pretrained(..., is_trainable=True)). Keys saved from a model
// with a head ("base_model.model.bert.encoder...") also load into a bare BertModel and vice versa.
LoraConfig load_adapter(nn::Module& model, const std::filesystem::path& dir);

}  // namespace bertlab::peft
