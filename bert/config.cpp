#include "bert/config.h"  // defines: BertConfig

#include <nlohmann/json.hpp>

#include "bert/json_file.h"  // defines: read_text_file, parse_json_object, read_field
#include "tensor/error.h"

namespace bertlab::bert {

using nlohmann::json;

BertConfig BertConfig::from_json_string(const std::string& text, const std::string& source) {
  const json j = parse_json_object(text, source);
  BertConfig c;
  read_field(j, "architectures", c.architectures, source);
  read_field(j, "model_type", c.model_type, source);
  read_field(j, "vocab_size", c.vocab_size, source, true);
  read_field(j, "hidden_size", c.hidden_size, source, true);
  read_field(j, "num_hidden_layers", c.num_hidden_layers, source, true);
  read_field(j, "num_attention_heads", c.num_attention_heads, source, true);
  read_field(j, "intermediate_size", c.intermediate_size, source, true);
  read_field(j, "hidden_act", c.hidden_act, source);
  read_field(j, "hidden_dropout_prob", c.hidden_dropout_prob, source);
  read_field(j, "attention_probs_dropout_prob", c.attention_probs_dropout_prob, source);
  read_field(j, "max_position_embeddings", c.max_position_embeddings, source);
  read_field(j, "type_vocab_size", c.type_vocab_size, source);
  read_field(j, "initializer_range", c.initializer_range, source);
  read_field(j, "layer_norm_eps", c.layer_norm_eps, source);
  read_field(j, "pad_token_id", c.pad_token_id, source);
  read_field(j, "position_embedding_type", c.position_embedding_type, source);
  read_field(j, "use_cache", c.use_cache, source);
  read_field(j, "gradient_checkpointing", c.gradient_checkpointing, source);
  read_field(j, "torch_dtype", c.torch_dtype, source);
  read_field(j, "transformers_version", c.transformers_version, source);
  if (j.contains("classifier_dropout") && !j["classifier_dropout"].is_null()) {
    double p = 0.0;
    read_field(j, "classifier_dropout", p, source);
    c.classifier_dropout = p;
  }
  if (j.contains("id2label")) {  // {"0": "NEGATIVE", "1": "POSITIVE"}
    std::map<std::string, std::string> labels;
    read_field(j, "id2label", labels, source);
    c.id2label.resize(labels.size());
    for (const auto& [id, label] : labels) {
      size_t i = 0;
      try { i = std::stoul(id); } catch (const std::exception&) { i = labels.size(); }
      BERT_CHECK(i < labels.size(), "{}: field \"id2label\": expected keys \"0\"..\"{}\", got {}", source,
                 labels.size() - 1, json_excerpt(id));
      c.id2label[i] = label;
    }
  } else if (j.contains("num_labels")) {
    int64_t n = 0;
    read_field(j, "num_labels", n, source);
    for (int64_t i = 0; i < n; ++i) c.id2label.push_back(fmt::format("LABEL_{}", i));
  }
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  return c;
}

BertConfig BertConfig::from_json_file(const std::filesystem::path& path) {
  return from_json_string(read_text_file(path, "BertConfig"), path.string());
}

void BertConfig::validate() const {
  BERT_CHECK(hidden_size > 0 && num_attention_heads > 0 && hidden_size % num_attention_heads == 0,
             "hidden_size must be a multiple of num_attention_heads: got hidden_size {} and num_attention_heads {}",
             hidden_size, num_attention_heads);
  for (auto [name, value] : {std::pair{"vocab_size", vocab_size}, {"num_hidden_layers", num_hidden_layers},
                             {"intermediate_size", intermediate_size},
                             {"max_position_embeddings", max_position_embeddings},
                             {"type_vocab_size", type_vocab_size}})
    BERT_CHECK(value > 0, "field \"{}\": expected a positive integer, got {}", name, value);
  BERT_CHECK(hidden_act == "gelu" || hidden_act == "gelu_new" || hidden_act == "relu",
             "field \"hidden_act\": expected \"gelu\", \"gelu_new\" or \"relu\", got {}", json_excerpt(hidden_act));
  BERT_CHECK(position_embedding_type == "absolute",
             "field \"position_embedding_type\": only \"absolute\" is implemented, got {}",
             json_excerpt(position_embedding_type));
}

std::string BertConfig::to_json_string() const {
  json j = {{"architectures", architectures},
            {"model_type", model_type},
            {"vocab_size", vocab_size},
            {"hidden_size", hidden_size},
            {"num_hidden_layers", num_hidden_layers},
            {"num_attention_heads", num_attention_heads},
            {"intermediate_size", intermediate_size},
            {"hidden_act", hidden_act},
            {"hidden_dropout_prob", hidden_dropout_prob},
            {"attention_probs_dropout_prob", attention_probs_dropout_prob},
            {"max_position_embeddings", max_position_embeddings},
            {"type_vocab_size", type_vocab_size},
            {"initializer_range", initializer_range},
            {"layer_norm_eps", layer_norm_eps},
            {"pad_token_id", pad_token_id},
            {"position_embedding_type", position_embedding_type},
            {"use_cache", use_cache},
            {"classifier_dropout", classifier_dropout ? json(*classifier_dropout) : json(nullptr)},
            {"torch_dtype", "float32"}};
  if (!id2label.empty()) {
    json id2, label2;
    for (size_t i = 0; i < id2label.size(); ++i) {
      id2[std::to_string(i)] = id2label[i];
      label2[id2label[i]] = i;
    }
    j["id2label"] = id2;
    j["label2id"] = label2;
  }
  return j.dump(2) + "\n";
}

}  // namespace bertlab::bert
