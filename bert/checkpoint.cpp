#include "bert/checkpoint.h"  // defines: load_weights, from_pretrained, save_pretrained

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "bert/for_masked_lm.h"
#include "bert/for_multiple_choice.h"
#include "bert/for_next_sentence_prediction.h"
#include "bert/for_pretraining.h"
#include "bert/for_question_answering.h"
#include "bert/for_sequence_classification.h"
#include "bert/for_token_classification.h"
#include "hub/resolve.h"  // defines: resolve_model
#include "nn/init.h"
#include "nn/quantized_linear.h"  // defines: DynamicQuantizedLinear
#include "tensor/error.h"

namespace bertlab::bert {

namespace fs = std::filesystem;

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The model's name for a checkpoint key, or "" when the key names nothing to load.
std::string model_key(std::string key, const std::map<std::string, Tensor>& params, LoadReport& report) {
  for (auto [old_suffix, new_suffix] : {std::pair{".gamma", ".weight"}, {".beta", ".bias"}})
    if (ends_with(key, "LayerNorm" + std::string(old_suffix))) {
      const std::string renamed = key.substr(0, key.size() - std::string(old_suffix).size()) + new_suffix;
      report.renamed_keys.push_back(key + " -> " + renamed);
      key = renamed;
    }
  if (params.count(key)) return key;
  if (starts_with(key, "bert.") && params.count(key.substr(5))) return key.substr(5);  // full -> bare
  if (params.count("bert." + key)) return "bert." + key;                               // bare -> head
  return "";
}

// Tensors that are the same as another one in a tied model, or buffers HF never loads.
bool is_tied_or_buffer(const std::string& key, const std::map<std::string, Tensor>& params) {
  if (ends_with(key, "embeddings.position_ids")) return true;
  const bool has_mlm_head = params.count("cls.predictions.bias") > 0;
  return has_mlm_head && (key == "cls.predictions.decoder.weight" || key == "cls.predictions.decoder.bias");
}

// load_weights for either file type: both list names, describe shapes and read float32 tensors.
template <typename File>
LoadReport load_from(nn::Module& model, const File& file) {
  std::map<std::string, Tensor> params;
  for (auto& [name, p] : model.named_parameters()) params.emplace(name, p);
  LoadReport report;
  std::vector<std::string> mismatched;
  std::map<std::string, bool> loaded;
  for (const std::string& key : file.names()) {
    const std::string name = model_key(key, params, report);
    if (name.empty()) {
      if (!is_tied_or_buffer(key, params)) report.unexpected_keys.push_back(key);
      continue;
    }
    const Tensor& param = params.at(name);
    const Shape& shape = file.entry(key).shape;
    if (shape != param.shape()) {
      mismatched.push_back(fmt::format("{}: checkpoint {} vs model {}", key, shape, param.shape()));
      continue;
    }
    const Tensor value = file.tensor(key);  // float32, converted from F16/BF16 if needed
    param.copy_(value);
    loaded[name] = true;
  }
  BERT_CHECK(mismatched.empty(),
             "{}: {} tensor(s) have a shape that differs from the model's: [{}]. Hint: does config.json belong to "
             "this checkpoint?",
             file.file_name(), mismatched.size(), fmt::join(mismatched, "; "));
  for (auto& [name, p] : params)
    if (!loaded.count(name)) report.missing_keys.push_back(name);
  return report;
}

}  // namespace

LoadReport load_weights(nn::Module& model, const SafetensorsFile& file) { return load_from(model, file); }
LoadReport load_weights(nn::Module& model, const TorchFile& file) { return load_from(model, file); }

namespace {

// The weights file of a model folder: model.safetensors when it is there, else pytorch_model.bin,
// as transformers prefers safetensors.
const std::vector<std::string> kWeightFiles = {"model.safetensors", "pytorch_model.bin"};

LoadReport load_weights_file(nn::Module& model, const fs::path& folder) {
  if (fs::exists(folder / kWeightFiles[0])) return load_weights(model, SafetensorsFile::open(folder / kWeightFiles[0]));
  BERT_CHECK(fs::exists(folder / kWeightFiles[1]),
             "from_pretrained: no model.safetensors or pytorch_model.bin in {}. Hint: pass a folder saved by "
             "save_pretrained (config.json + model.safetensors)", folder.string());
  return load_weights(model, TorchFile::open(folder / kWeightFiles[1]));
}

// transformers' two load warnings, word for word. The unused weights are only news when the model
// is the checkpoint's own architecture (config.json's "architectures"): loading a bare BertModel
// from a BertForMaskedLM checkpoint drops the MLM head on purpose, so transformers only logs that
// at info level, which is not shown (the notebook's In [9] prints nothing, In [14] warns).
void warn_like_transformers(const LoadReport& report, const std::string& name_or_path, const std::string& model_name,
                            const std::vector<std::string>& architectures) {
  const bool own_architecture =
      std::find(architectures.begin(), architectures.end(), model_name) != architectures.end();
  if (!report.unexpected_keys.empty() && own_architecture)
    std::cerr << fmt::format(
        "Some weights of the model checkpoint at {0} were not used when initializing {1}: ['{2}']\n"
        "- This IS expected if you are initializing {1} from the checkpoint of a model trained on another task "
        "or with another architecture (e.g. initializing a BertForSequenceClassification model from a "
        "BertForPreTraining model).\n"
        "- This IS NOT expected if you are initializing {1} from the checkpoint of a model that you expect to be "
        "exactly identical (initializing a BertForSequenceClassification model from a "
        "BertForSequenceClassification model).\n",
        name_or_path, model_name, fmt::join(report.unexpected_keys, "', '"));
  if (!report.missing_keys.empty())
    std::cerr << fmt::format(
        "Some weights of {} were not initialized from the model checkpoint at {} and are newly initialized: "
        "['{}']\nYou should probably TRAIN this model on a down-stream task to be able to use it for predictions "
        "and inference.\n",
        model_name, name_or_path, fmt::join(report.missing_keys, "', '"));
}

}  // namespace

template <typename M>
std::unique_ptr<M> from_pretrained(const std::string& name_or_path) {
  const fs::path folder = hub::resolve_model(name_or_path, {"config.json"}, {}, "from_pretrained", kWeightFiles);
  const fs::path config_path = folder / "config.json";
  BERT_CHECK(fs::exists(config_path), "from_pretrained: no config.json in {}. Hint: pass a folder saved by "
                                      "save_pretrained (config.json + model.safetensors)", folder.string());
  return from_pretrained<M>(folder.string(), BertConfig::from_json_file(config_path));
}

template <typename M>
std::unique_ptr<M> from_pretrained(const std::string& name_or_path, const BertConfig& config) {
  const fs::path folder = hub::resolve_model(name_or_path, {"config.json"}, {}, "from_pretrained", kWeightFiles);
  std::unique_ptr<M> model;
  {
    nn::init::NoInitGuard skip_random_init;  // the checkpoint is about to overwrite the weights
    model = std::make_unique<M>(config);
  }
  const LoadReport report = load_weights_file(*model, folder);
  // What the checkpoint lacks (e.g. a new classifier head) gets HF's initialisation.
  const std::set<std::string> missing(report.missing_keys.begin(), report.missing_keys.end());
  Generator gen(0);
  init_bert_weights(*model, config.initializer_range, gen, [&](const std::string& name) { return missing.count(name) > 0; });
  warn_like_transformers(report, name_or_path, model->type_name(), config.architectures);
  model->eval();  // as in transformers: a loaded model starts in eval mode
  return model;
}

#define BERTLAB_FROM_PRETRAINED(M)                                           \
  template std::unique_ptr<M> from_pretrained<M>(const std::string&); \
  template std::unique_ptr<M> from_pretrained<M>(const std::string&, const BertConfig&);
BERTLAB_FROM_PRETRAINED(BertModel)
BERTLAB_FROM_PRETRAINED(BertForMaskedLM)
BERTLAB_FROM_PRETRAINED(BertForSequenceClassification)
BERTLAB_FROM_PRETRAINED(BertForQuestionAnswering)
BERTLAB_FROM_PRETRAINED(BertForTokenClassification)
BERTLAB_FROM_PRETRAINED(BertForMultipleChoice)
BERTLAB_FROM_PRETRAINED(BertForNextSentencePrediction)
BERTLAB_FROM_PRETRAINED(BertForPreTraining)
#undef BERTLAB_FROM_PRETRAINED

void save_pretrained(const nn::Module& model, BertConfig config, const fs::path& folder,
                     const std::string& torch_dtype) {
  BERT_CHECK(torch_dtype == "float32" || torch_dtype == "float16",
             "save_pretrained: torch_dtype \"{}\": expected float32 or float16", torch_dtype);
  // A quantized model's Linears have no float weights left to write (nn/quantized_linear.h).
  for (const auto& [name, m] : model.named_modules())
    BERT_CHECK(!dynamic_cast<const nn::DynamicQuantizedLinear*>(m),
               "save_pretrained: {} is quantized (quantize_dynamic): its float weights are gone. Hint: save the "
               "model before quantizing it",
               name);
  fs::create_directories(folder);
  config.architectures = {model.type_name()};
  config.torch_dtype = torch_dtype;
  const fs::path config_path = folder / "config.json", tmp = folder / "config.json.tmp";
  {
    std::ofstream out(tmp);
    out << config.to_json_string();
    BERT_CHECK(out.good(), "save_pretrained: cannot write {}", tmp.string());
  }
  fs::rename(tmp, config_path);
  SafetensorsWriter writer;
  writer.metadata["format"] = "pt";  // what transformers expects in a safetensors checkpoint
  for (auto& [name, p] : model.named_parameters()) writer.add(name, p, torch_dtype == "float16" ? "F16" : "F32");
  writer.save(folder / "model.safetensors");
}

}  // namespace bertlab::bert
