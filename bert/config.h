// BertConfig: the numbers that define a BERT, read from a HuggingFace config.json.
//
// Field names are config.json's; defaults are bert-base-uncased's:
//   L = num_hidden_layers 12, H = hidden_size 768, N = num_attention_heads 12,
//   I = intermediate_size 3072, V = vocab_size 30522, P = max_position_embeddings 512.
// Unknown fields are ignored (HF writes many). Everything else is checked before a tensor is
// made, with an error naming the file and the field: a field of the wrong type, a missing or
// non-positive size, hidden_size not divisible by num_attention_heads, pad_token_id outside
// [0, vocab_size), layer_norm_eps <= 0, a dropout outside [0, 1], and a model whose float32
// weights would not fit in this machine's memory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bertlab::bert {

struct BertConfig {
  std::vector<std::string> architectures;  // e.g. {"BertForMaskedLM"}
  std::string model_type = "bert";
  int64_t vocab_size = 30522;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";  // "gelu" (erf), "gelu_new" (tanh approximation), "relu"
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  double initializer_range = 0.02;
  double layer_norm_eps = 1e-12;
  int64_t pad_token_id = 0;
  std::string position_embedding_type = "absolute";  // the only kind implemented
  // How attention runs (HF's attn_implementation, not part of config.json): "sdpa", the fused
  // inference kernel, or "eager", the composed ops a learner reads. Same numbers either way.
  std::string attn_implementation = "sdpa";
  bool use_cache = true;
  std::optional<double> classifier_dropout;  // null: use hidden_dropout_prob
  bool gradient_checkpointing = false;      // old configs' switch: true turns it on (bert/encoder.h)
  std::string torch_dtype = "float32";      // the weights' dtype in model.safetensors (save_pretrained sets it)
  std::string transformers_version;         // informational
  std::vector<std::string> id2label;        // class names; its size is num_labels
  int64_t num_labels() const { return id2label.empty() ? 2 : static_cast<int64_t>(id2label.size()); }
  // The dropout before a classifier head (sequence, token, multiple choice), as HF's heads pick it.
  float classifier_dropout_prob() const { return static_cast<float>(classifier_dropout.value_or(hidden_dropout_prob)); }

  // Parse config.json text; `source` names the file in errors.
  static BertConfig from_json_string(const std::string& text, const std::string& source = "config.json");
  static BertConfig from_json_file(const std::filesystem::path& path);
  std::string to_json_string() const;  // what save_pretrained writes
  void validate() const;  // the checks above; BertModel calls it before building anything
};

}  // namespace bertlab::bert
