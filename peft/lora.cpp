#include "peft/lora.h"  // defines: apply_lora, print_trainable_parameters, merge_and_unload, ...

#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>

#include "nn/linear.h"
#include "tensor/error.h"
#include "tensor/safetensors.h"

namespace bertlab::peft {

namespace fs = std::filesystem;

namespace {

// PEFT's prefix for every key of an adapter file: PeftModel.base_model (LoraModel) .model (yours).
const std::string kPrefix = "base_model.model.";

bool matches_any(const std::string& name, const std::vector<std::string>& targets) {
  return std::any_of(targets.begin(), targets.end(), [&](const std::string& t) { return matches_target(name, t); });
}

// Targets (or modules to save) that match no module name: PEFT's "not found" error.
void check_all_found(const std::vector<std::string>& targets, const std::set<std::string>& found, const char* what) {
  std::vector<std::string> missing;
  for (const std::string& t : targets)
    if (!found.count(t)) missing.push_back(fmt::format("'{}'", t));
  BERT_CHECK(missing.empty(),
             "apply_lora: {} {{{}}} not found in the base model. Hint: a name matches when it equals the module's "
             "dotted name or ends with \".\" + name (e.g. \"query\", \"attention.output.dense\")",
             what, fmt::join(missing, ", "));
}

// The modules trained fully: config.modules_to_save, plus the head PEFT's task models add on their
// own (to the model, not to adapter_config.json): PeftModelForSequenceClassification and
// ...ForTokenClassification add "classifier" and "score", ...ForQuestionAnswering "qa_outputs".
// A task head the model lacks is skipped, as in PEFT.
std::vector<std::string> modules_to_save(const nn::Module& model, const LoraConfig& config) {
  std::vector<std::string> out = config.modules_to_save, heads;
  if (config.task_type == "SEQ_CLS" || config.task_type == "TOKEN_CLS") heads = {"classifier", "score"};
  if (config.task_type == "QUESTION_ANS") heads = {"qa_outputs"};
  const auto modules = model.named_modules();
  for (const std::string& head : heads) {
    const bool present = std::any_of(modules.begin(), modules.end(),
                                     [&](const auto& m) { return matches_target(m.first, head); });
    if (present && std::find(out.begin(), out.end(), head) == out.end()) out.push_back(head);
  }
  return out;
}

// "1234567" -> "1,234,567", as Python's f"{n:,d}".
std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

bool matches_target(const std::string& name, const std::string& target) {
  if (name == target) return true;
  return name.size() > target.size() && name.compare(name.size() - target.size(), target.size(), target) == 0 &&
         name[name.size() - target.size() - 1] == '.';
}

// ---- apply_lora ---------------------------------------------------------------------------

void apply_lora(nn::Module& model, const LoraConfig& config) {
  BERT_CHECK(config.bias == "none", "apply_lora: bias: expected \"none\", got \"{}\" (not implemented)", config.bias);
  BERT_CHECK(!config.target_modules.empty(),
             "apply_lora: target_modules is empty: expected e.g. {{\"query\", \"value\"}}");
  for (Tensor& p : model.parameters()) p.requires_grad_(false);

  std::set<std::string> found;
  nn::walk_modules(model, [&](nn::Module& parent, const std::string& name, const std::string& full, nn::Module& child) {
    if (!matches_any(full, config.target_modules)) return true;
    BERT_CHECK(!dynamic_cast<nn::LoRALinear*>(&child),
               "apply_lora: {} already has a LoRA adapter. Hint: bertlab holds one adapter per model; call "
               "merge_and_unload first to fold it in",
               full);
    auto* base = dynamic_cast<nn::Linear*>(&child);
    BERT_CHECK(base != nullptr, "apply_lora: target module {} is a {}: only Linear layers can be adapted", full,
               child.type_name());
    for (const std::string& t : config.target_modules)
      if (matches_target(full, t)) found.insert(t);
    base->lora = std::make_unique<nn::LoRALinear>(*base, config.r, static_cast<float>(config.lora_alpha),
                                                  static_cast<float>(config.lora_dropout), config.use_rslora);
    parent.replace_child(name, *base->lora);  // names become <full>.base_layer.weight, <full>.lora_A...
    return false;
  });
  check_all_found(config.target_modules, found, "Target modules");

  const std::vector<std::string> to_save = modules_to_save(model, config);
  std::set<std::string> saved;
  nn::walk_modules(model, [&](nn::Module&, const std::string&, const std::string& full, nn::Module& child) {
    if (!matches_any(full, to_save)) return true;
    for (const std::string& t : to_save)
      if (matches_target(full, t)) saved.insert(t);
    for (Tensor& p : child.parameters()) p.requires_grad_(true);
    return false;
  });
  check_all_found(config.modules_to_save, saved, "modules_to_save");
}

std::string print_trainable_parameters(const nn::Module& model) {
  const int64_t trainable = model.num_parameters(/*only_trainable=*/true), all = model.num_parameters();
  const double percent = all > 0 ? 100.0 * static_cast<double>(trainable) / static_cast<double>(all) : 0.0;
  return fmt::format("trainable params: {} || all params: {} || trainable%: {:.4f}", with_commas(trainable),
                     with_commas(all), percent);
}

std::vector<std::pair<std::string, const nn::LoRALinear*>> lora_modules(const nn::Module& model) {
  std::vector<std::pair<std::string, const nn::LoRALinear*>> out;
  for (const auto& [name, m] : model.named_modules())
    if (const auto* lora = dynamic_cast<const nn::LoRALinear*>(m)) out.emplace_back(name, lora);
  return out;
}

// ---- Adapter state dict, merge ------------------------------------------------------------

std::map<std::string, Tensor> adapter_state_dict(const nn::Module& model, const LoraConfig& config) {
  const std::vector<std::string> targets = modules_to_save(model, config);
  std::vector<std::string> to_save;  // names of the modules those match
  for (const auto& [name, m] : model.named_modules())
    if (!name.empty() && matches_any(name, targets)) to_save.push_back(name);
  const std::string adapter = std::string(".") + nn::kAdapterName + ".";
  std::map<std::string, Tensor> out;
  for (const auto& [name, p] : model.named_parameters()) {
    const bool is_lora = name.find(".lora_A" + adapter) != std::string::npos ||
                         name.find(".lora_B" + adapter) != std::string::npos;
    const bool is_saved = std::any_of(to_save.begin(), to_save.end(),
                                      [&name = name](const std::string& m) { return name.rfind(m + ".", 0) == 0; });
    if (is_lora) {  // PEFT drops the adapter name: query.lora_A.default.weight -> query.lora_A.weight
      std::string key = name;
      key.replace(key.find(adapter), adapter.size(), ".");
      out[kPrefix + key] = p;
    } else if (is_saved) {
      out[kPrefix + name] = p;
    }
  }
  return out;
}

void merge_and_unload(nn::Module& model) {
  nn::walk_modules(model, [](nn::Module& parent, const std::string& name, const std::string&, nn::Module& child) {
    auto* lora = dynamic_cast<nn::LoRALinear*>(&child);
    if (!lora) return true;
    nn::Linear& base = lora->base_layer;
    const Tensor delta = lora->delta_weight();  // [out, in]
    for (int64_t i = 0, end = delta.numel(); i < end; ++i) base.weight.data()[i] += delta.data()[i];
    base.weight.bump_version();
    parent.replace_child(name, base);
    base.lora.reset();  // destroys the wrapper (and its A, B); `child` is gone from here on
    return false;
  });
}

// ---- Saving and loading PEFT's adapter folder ---------------------------------------------

void save_adapter(const nn::Module& model, const LoraConfig& config, const fs::path& dir) {
  const auto tensors = adapter_state_dict(model, config);
  BERT_CHECK(!tensors.empty(), "save_adapter: the model has no LoRA adapter. Hint: call apply_lora first");
  fs::create_directories(dir);
  SafetensorsWriter writer;
  for (const auto& [key, t] : tensors) writer.add(key, t);
  writer.metadata["format"] = "pt";
  writer.save(dir / "adapter_model.safetensors");
  const fs::path json_path = dir / "adapter_config.json", tmp = dir / "adapter_config.json.tmp";
  {
    std::ofstream out(tmp);
    out << config.to_json_string();
    BERT_CHECK(out.good(), "save_adapter: cannot write {}", tmp.string());
  }
  fs::rename(tmp, json_path);
}

namespace {

// The file's key for our key, allowing for a "bert." level that one side has and the other lacks
// (an adapter saved on BertForMaskedLM, loaded into BertModel, or the reverse). "" if absent.
std::string file_key(const SafetensorsFile& file, const std::string& key) {
  const std::string rest = key.substr(kPrefix.size());
  for (const std::string& candidate : {key, kPrefix + "bert." + rest,
                                       rest.rfind("bert.", 0) == 0 ? kPrefix + rest.substr(5) : std::string()})
    if (!candidate.empty() && file.contains(candidate)) return candidate;
  return "";
}

}  // namespace

LoraConfig load_adapter(nn::Module& model, const fs::path& dir) {
  const LoraConfig config = LoraConfig::from_json_file(dir / "adapter_config.json");
  const SafetensorsFile file = SafetensorsFile::open(dir / "adapter_model.safetensors");
  apply_lora(model, config);
  std::set<std::string> used;
  std::vector<std::string> missing;
  for (auto& [key, param] : adapter_state_dict(model, config)) {
    const std::string name = file_key(file, key);
    if (name.empty()) {
      missing.push_back(key);
      continue;
    }
    const Tensor value = file.tensor(name);
    BERT_CHECK(value.shape() == param.shape(), "{}: tensor {}: expected shape {}, got {}", file.file_name(), name,
               param.shape(), value.shape());
    param.copy_(value);
    used.insert(name);
  }
  BERT_CHECK(missing.empty(), "{}: missing adapter tensor(s) [{}]. Hint: does adapter_config.json belong to it?",
             file.file_name(), fmt::join(missing, ", "));
  std::vector<std::string> unexpected;
  for (const std::string& name : file.names())
    if (!used.count(name)) unexpected.push_back(name);
  BERT_CHECK(unexpected.empty(), "{}: tensor(s) [{}] match no parameter of the adapted model", file.file_name(),
             fmt::join(unexpected, ", "));
  return config;
}

}  // namespace bertlab::peft
