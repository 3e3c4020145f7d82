#include "bert/config.h"  // defines: BertConfig

#include <cmath>
#include <nlohmann/json.hpp>

#include "tensor/json_file.h"  // defines: read_text_file, parse_json_object, read_field
#include "tensor/error.h"
#include "tensor/tensor.h"  // defines: physical_memory_bytes

namespace bertlab::bert {

using nlohmann::json;

namespace {

// ---- Does the model fit in memory? ------------------------------------------------------------

// The sizes that decide a BERT's parameter count, as doubles: a hostile config.json can hold
// sizes near 2^63, whose products overflow int64 but not a double, and 16 significant digits
// are plenty to compare with the size of the memory.
struct Sizes {
  double vocab_size, hidden_size, num_hidden_layers, intermediate_size, max_position_embeddings, type_vocab_size,
      num_labels;
};
constexpr std::pair<const char*, double Sizes::*> kSizeFields[] = {
    {"vocab_size", &Sizes::vocab_size},
    {"hidden_size", &Sizes::hidden_size},
    {"num_hidden_layers", &Sizes::num_hidden_layers},
    {"intermediate_size", &Sizes::intermediate_size},
    {"max_position_embeddings", &Sizes::max_position_embeddings},
    {"type_vocab_size", &Sizes::type_vocab_size},
    {"num_labels", &Sizes::num_labels}};

Sizes sizes_of(const BertConfig& c, int64_t num_labels) {
  return {double(c.vocab_size),      double(c.hidden_size),  double(c.num_hidden_layers),
          double(c.intermediate_size), double(c.max_position_embeddings), double(c.type_vocab_size),
          double(num_labels)};
}

// BertModel's parameters (109482240 for bert-base) plus those of every head, so that any
// model built from the config is counted: a Linear [out, in] has out·in + out, a LayerNorm 2·H.
double parameter_count(const Sizes& s) {
  const double H = s.hidden_size, I = s.intermediate_size;
  const double embeddings = (s.vocab_size + s.max_position_embeddings + s.type_vocab_size) * H + 2 * H;
  const double layer = 4 * (H * H + H) + 2 * H   // query, key, value, attention output + LayerNorm
                       + (I * H + I) + (H * I + H) + 2 * H;  // intermediate, output + LayerNorm
  const double pooler = H * H + H;
  const double heads = (H * H + H) + 2 * H + s.vocab_size  // MLM transform + LayerNorm, decoder bias
                       + (s.num_labels * H + s.num_labels)  // classifier
                       + (2 * H + 2);                       // qa_outputs
  return embeddings + s.num_hidden_layers * layer + pooler + heads;
}

// Fails, before any tensor exists, when the float32 weights alone would not fit in physical
// memory: a config with num_hidden_layers = 1e6 used to allocate for 20 s and then die with a
// bare std::bad_alloc. The error names the field that, put back to bert-base's value, would
// shrink the model most.
void check_fits_in_memory(const BertConfig& c, int64_t num_labels) {
  const Sizes sizes = sizes_of(c, num_labels);
  const double bytes = 4 * parameter_count(sizes);
  const double memory = double(physical_memory_bytes());
  if (bytes <= memory) return;
  const Sizes bert_base = sizes_of(BertConfig{}, 2);
  std::pair<const char*, double Sizes::*> blamed = kSizeFields[0];
  double smallest = bytes;
  for (const auto& field : kSizeFields) {
    Sizes reset = sizes;
    reset.*field.second = bert_base.*field.second;
    if (const double shrunk = 4 * parameter_count(reset); shrunk < smallest) {
      smallest = shrunk;
      blamed = field;
    }
  }
  throw Error(fmt::format(
      "field \"{}\": the model's float32 weights would need {:.4g} bytes, more than this machine's memory "
      "({:.4g} bytes): got {} = {:.0f}. Hint: bert-base has {} = {:.0f}; is the config right?",
      blamed.first, bytes, memory, blamed.first, sizes.*blamed.second, blamed.first, bert_base.*blamed.second));
}

// The sizes a model is built from: positive, heads that divide hidden_size, and weights that fit.
void check_sizes(const BertConfig& c, int64_t num_labels) {
  for (auto [name, value] : {std::pair{"vocab_size", c.vocab_size}, {"hidden_size", c.hidden_size},
                             {"num_hidden_layers", c.num_hidden_layers},
                             {"num_attention_heads", c.num_attention_heads},
                             {"intermediate_size", c.intermediate_size},
                             {"max_position_embeddings", c.max_position_embeddings},
                             {"type_vocab_size", c.type_vocab_size}, {"num_labels", num_labels}})
    BERT_CHECK(value > 0, "field \"{}\": expected a positive integer, got {}", name, value);
  BERT_CHECK(c.hidden_size % c.num_attention_heads == 0,
             "hidden_size must be a multiple of num_attention_heads: got {} and {}", c.hidden_size,
             c.num_attention_heads);
  check_fits_in_memory(c, num_labels);
}

// Runs `check`, starting its error message with the file name.
template <typename Check>
void in_file(const std::string& source, Check check) {
  try {
    check();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
}

}  // namespace

// ---- Reading and checking ---------------------------------------------------------------------

BertConfig BertConfig::from_json_string(const std::string& text, const std::string& source) {
  const json j = parse_json_object(text, source);
  BertConfig c;
  read_field<Error>(j, "architectures", c.architectures, source);
  read_field<Error>(j, "model_type", c.model_type, source);
  read_field<Error>(j, "vocab_size", c.vocab_size, source, true);
  read_field<Error>(j, "hidden_size", c.hidden_size, source, true);
  read_field<Error>(j, "num_hidden_layers", c.num_hidden_layers, source, true);
  read_field<Error>(j, "num_attention_heads", c.num_attention_heads, source, true);
  read_field<Error>(j, "intermediate_size", c.intermediate_size, source, true);
  read_field<Error>(j, "hidden_act", c.hidden_act, source);
  read_field<Error>(j, "hidden_dropout_prob", c.hidden_dropout_prob, source);
  read_field<Error>(j, "attention_probs_dropout_prob", c.attention_probs_dropout_prob, source);
  read_field<Error>(j, "max_position_embeddings", c.max_position_embeddings, source);
  read_field<Error>(j, "type_vocab_size", c.type_vocab_size, source);
  read_field<Error>(j, "initializer_range", c.initializer_range, source);
  read_field<Error>(j, "layer_norm_eps", c.layer_norm_eps, source);
  read_field<Error>(j, "pad_token_id", c.pad_token_id, source);
  read_field<Error>(j, "position_embedding_type", c.position_embedding_type, source);
  read_field<Error>(j, "use_cache", c.use_cache, source);
  read_field<Error>(j, "gradient_checkpointing", c.gradient_checkpointing, source);
  read_field<Error>(j, "torch_dtype", c.torch_dtype, source);
  read_field<Error>(j, "transformers_version", c.transformers_version, source);
  if (j.contains("classifier_dropout") && !j["classifier_dropout"].is_null()) {
    double p = 0.0;
    read_field<Error>(j, "classifier_dropout", p, source);
    c.classifier_dropout = p;
  }
  if (j.contains("id2label")) {  // {"0": "NEGATIVE", "1": "POSITIVE"}
    std::map<std::string, std::string> labels;
    read_field<Error>(j, "id2label", labels, source);
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
    read_field<Error>(j, "num_labels", n, source);
    in_file(source, [&] { check_sizes(c, n); });  // before making n names: n might be 1e12
    for (int64_t i = 0; i < n; ++i) c.id2label.push_back(fmt::format("LABEL_{}", i));
  }
  in_file(source, [&] { c.validate(); });
  return c;
}

BertConfig BertConfig::from_json_file(const std::filesystem::path& path) {
  return from_json_string(read_text_file(path, "BertConfig"), path.string());
}

void BertConfig::validate() const {
  check_sizes(*this, num_labels());
  BERT_CHECK(pad_token_id >= 0 && pad_token_id < vocab_size,
             "field \"pad_token_id\": expected 0 <= pad_token_id < {} (vocab_size), got {}. Hint: the [PAD] row "
             "must be a row of the word-embedding table",
             vocab_size, pad_token_id);
  // LayerNorm runs in float32: an eps that rounds to 0 there divides by zero on a constant row.
  BERT_CHECK(static_cast<float>(layer_norm_eps) > 0 && std::isfinite(static_cast<float>(layer_norm_eps)),
             "field \"layer_norm_eps\": expected a positive number (in float32), got {}", layer_norm_eps);
  for (auto [name, p] : {std::pair{"hidden_dropout_prob", hidden_dropout_prob},
                         {"attention_probs_dropout_prob", attention_probs_dropout_prob},
                         {"classifier_dropout", classifier_dropout.value_or(0.0)}})
    BERT_CHECK(p >= 0 && p <= 1, "field \"{}\": expected a probability in [0, 1], got {}", name, p);
  BERT_CHECK(initializer_range >= 0 && std::isfinite(initializer_range),
             "field \"initializer_range\": expected a standard deviation >= 0, got {}", initializer_range);
  BERT_CHECK(hidden_act == "gelu" || hidden_act == "gelu_new" || hidden_act == "relu",
             "field \"hidden_act\": expected \"gelu\", \"gelu_new\" or \"relu\", got {}", json_excerpt(hidden_act));
  BERT_CHECK(attn_implementation == "sdpa" || attn_implementation == "eager",
             "attn_implementation: expected \"sdpa\" or \"eager\", got {}", json_excerpt(attn_implementation));
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
            {"torch_dtype", torch_dtype}};
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
