#include "peft/lora_config.h"  // defines: LoraConfig

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "tensor/json_file.h"  // defines: read_text_file, parse_json_object, read_field
#include "tensor/error.h"

namespace bertlab::peft {

using nlohmann::json;

double LoraConfig::scaling() const {
  return use_rslora ? lora_alpha / std::sqrt(static_cast<double>(r)) : lora_alpha / static_cast<double>(r);
}

namespace {

// Fields of PEFT features bertlab lacks must hold their "off" value, else loading would be wrong.
void check_unsupported(const json& j, const std::string& source) {
  for (const char* key : {"fan_in_fan_out", "use_dora", "lora_bias"}) {
    bool on = false;
    read_field<Error>(j, key, on, source);
    BERT_CHECK(!on, "{}: field \"{}\": expected false, got true (not implemented in bertlab)", source, key);
  }
  for (const char* key : {"rank_pattern", "alpha_pattern"}) {
    json pattern = json::object();
    read_field<Error>(j, key, pattern, source);
    BERT_CHECK(pattern.empty(), "{}: field \"{}\": expected {{}}, got {} (per-module ranks are not implemented)",
               source, key, pattern.dump());
  }
  for (const char* key : {"layers_to_transform", "exclude_modules", "layer_replication", "target_parameters"})
    BERT_CHECK(!j.contains(key) || j[key].is_null(),
               "{}: field \"{}\": expected null, got {} (not implemented in bertlab)", source, key, j[key].dump());
  const auto target = j.find("target_modules");
  BERT_CHECK(target == j.end() || target->is_array(),
             "{}: field \"target_modules\": expected a list of module names, got {}. Hint: a regex string is not "
             "supported in bertlab",
             source, target == j.end() ? "" : target->dump());
}

}  // namespace

LoraConfig LoraConfig::from_json_string(const std::string& text, const std::string& source) {
  const json j = parse_json_object(text, source);
  std::string peft_type = "LORA";
  read_field<Error>(j, "peft_type", peft_type, source);
  BERT_CHECK(peft_type == "LORA", "{}: field \"peft_type\": expected \"LORA\", got \"{}\"", source, peft_type);
  check_unsupported(j, source);
  LoraConfig c;
  read_field<Error>(j, "r", c.r, source);
  read_field<Error>(j, "lora_alpha", c.lora_alpha, source);
  read_field<Error>(j, "lora_dropout", c.lora_dropout, source);
  read_field<Error>(j, "target_modules", c.target_modules, source);
  read_field<Error>(j, "modules_to_save", c.modules_to_save, source);
  read_field<Error>(j, "bias", c.bias, source);
  read_field<Error>(j, "use_rslora", c.use_rslora, source);
  read_field<Error>(j, "task_type", c.task_type, source);
  read_field<Error>(j, "base_model_name_or_path", c.base_model_name_or_path, source);
  BERT_CHECK(c.r > 0, "{}: field \"r\": expected a positive integer, got {}", source, c.r);
  BERT_CHECK(c.lora_dropout >= 0 && c.lora_dropout <= 1,  // as torch.nn.Dropout checks its p
             "{}: field \"lora_dropout\": expected a probability in [0, 1], got {}", source, c.lora_dropout);
  BERT_CHECK(c.bias == "none", "{}: field \"bias\": expected \"none\", got \"{}\" (bias training is not implemented)",
             source, c.bias);
  BERT_CHECK(!c.target_modules.empty(), "{}: field \"target_modules\": expected at least one module name", source);
  return c;
}

LoraConfig LoraConfig::from_json_file(const std::filesystem::path& path) {
  return from_json_string(read_text_file(path, "LoraConfig"), path.string());
}

std::string LoraConfig::to_json_string() const {
  auto string_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  // PEFT writes integral alphas as integers (lora_alpha: int), so do we, when one fits in an
  // int64: casting 1e30 to int64 is undefined behaviour.
  const bool integral = lora_alpha == std::floor(lora_alpha) && std::abs(lora_alpha) < 0x1p63;  // 2^63
  const json alpha = integral ? json(static_cast<int64_t>(lora_alpha)) : json(lora_alpha);
  // The field set of PEFT 0.10's LoraConfig, in its defaults wherever bertlab has no choice.
  const json j = {{"alpha_pattern", json::object()},
                  {"auto_mapping", nullptr},
                  {"base_model_name_or_path", string_or_null(base_model_name_or_path)},
                  {"bias", bias},
                  {"fan_in_fan_out", false},
                  {"inference_mode", true},
                  {"init_lora_weights", true},
                  {"layer_replication", nullptr},
                  {"layers_pattern", nullptr},
                  {"layers_to_transform", nullptr},
                  {"loftq_config", json::object()},
                  {"lora_alpha", alpha},
                  {"lora_dropout", lora_dropout},
                  {"megatron_config", nullptr},
                  {"megatron_core", "megatron.core"},
                  {"modules_to_save", modules_to_save.empty() ? json(nullptr) : json(modules_to_save)},
                  {"peft_type", "LORA"},
                  {"r", r},
                  {"rank_pattern", json::object()},
                  {"revision", nullptr},
                  {"target_modules", target_modules},
                  {"task_type", string_or_null(task_type)},
                  {"use_dora", false},
                  {"use_rslora", use_rslora}};
  return j.dump(2) + "\n";
}

LoraConfig LoraConfig::from_cli_spec(const std::string& spec) {
  LoraConfig config;
  std::string key;  // the key the current item belongs to ("targets" takes several items)
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t comma = std::min(spec.find(',', start), spec.size());
    std::string item = spec.substr(start, comma - start), value = item;
    start = comma + 1;
    if (const size_t eq = item.find('='); eq != std::string::npos) {
      key = item.substr(0, eq);
      value = item.substr(eq + 1);
    }
    BERT_CHECK(!key.empty() && !value.empty(),
               "--lora: expected items like r=8,alpha=16,dropout=0.1,targets=query,value, got \"{}\"", spec);
    try {
      if (key == "r") config.r = std::stoll(value);
      else if (key == "alpha") config.lora_alpha = std::stod(value);
      else if (key == "dropout") config.lora_dropout = std::stod(value);
      else if (key == "targets") config.target_modules.push_back(value);
      else throw Error(fmt::format("--lora: unknown key \"{}\": expected r, alpha, dropout or targets", key));
    } catch (const std::logic_error&) {  // std::stoll / std::stod: not a number
      throw Error(fmt::format("--lora: {}: expected a number, got \"{}\"", key, value));
    }
  }
  BERT_CHECK(config.r > 0, "--lora: r: expected a positive rank, got {}", config.r);
  BERT_CHECK(config.lora_dropout >= 0 && config.lora_dropout <= 1,
             "--lora: dropout: expected a probability in [0, 1], got {}", config.lora_dropout);
  if (config.target_modules.empty()) config.target_modules = {"query", "value"};
  return config;
}

}  // namespace bertlab::peft
