#include "pipelines/sentence_transformer.h"  // defines: SentenceTransformer, default_minilm_dir

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bert/checkpoint.h"          // defines: from_pretrained
#include "pipelines/sentence_embedding.h"  // defines: mean_pooling, cls_pooling, normalize
#include "tensor/autograd.h"         // defines: NoGradGuard
#include "tensor/error.h"
#include "tensor/json_file.h"  // defines: read_text_file, parse_json_object, read_field

namespace bertlab::pipelines {

namespace fs = std::filesystem;

namespace {

// sentence_bert_config.json's max_seq_length, or `fallback` when the folder has no such file.
int64_t read_max_seq_length(const fs::path& folder, int64_t fallback) {
  const fs::path path = folder / "sentence_bert_config.json";
  if (!fs::exists(path)) return fallback;
  int64_t max_seq_length = fallback;
  read_field<Error>(parse_json_object(read_text_file(path, "SentenceTransformer"), path.string()), "max_seq_length",
                    max_seq_length, path.string());
  BERT_CHECK(max_seq_length > 0, "{}: field \"max_seq_length\": expected a positive integer, got {}", path.string(),
             max_seq_length);
  return max_seq_length;
}

}  // namespace

SentenceTransformer SentenceTransformer::from_pretrained(const fs::path& folder) {
  BERT_CHECK(fs::is_directory(folder),
             "SentenceTransformer: model folder {} does not exist. Hint: scripts/fetch-minilm fetches "
             "all-MiniLM-L6-v2 and prints its folder",
             folder.string());
  auto tokenizer = tokenizer::BertTokenizer::from_pretrained(folder.string());
  const int64_t max_seq_length = read_max_seq_length(folder, tokenizer.config().model_max_length);
  return SentenceTransformer(std::move(tokenizer), bert::from_pretrained<bert::BertModel>(folder), max_seq_length);
}

SentenceTransformer::SentenceTransformer(tokenizer::BertTokenizer tokenizer_, std::unique_ptr<bert::BertModel> model_,
                                         int64_t max_seq_length_)
    : tokenizer(std::move(tokenizer_)), model(std::move(model_)), max_seq_length(max_seq_length_) {}

tokenizer::BatchEncoding SentenceTransformer::tokenize(const std::vector<std::string>& sentences) const {
  BERT_CHECK(!sentences.empty(), "SentenceTransformer::tokenize: expected at least one sentence, got none");
  tokenizer::EncodeOptions options;
  options.padding = true;
  options.truncation = true;
  options.max_length = max_seq_length;
  return tokenizer(sentences, options);
}

bert::BertModelOutput SentenceTransformer::forward(const tokenizer::BatchEncoding& batch) const {
  return model->forward(batch_tensor(batch, "input_ids"), batch_tensor(batch, "attention_mask"),
                        batch_tensor(batch, "token_type_ids"));
}

Tensor SentenceTransformer::encode(const std::vector<std::string>& sentences, Pooling pooling,
                                   bool normalize_embeddings) const {
  NoGradGuard no_grad;  // inference: no graph, as model.encode() runs under torch.no_grad()
  const tokenizer::BatchEncoding batch = tokenize(sentences);
  const Tensor token_embeddings = forward(batch).last_hidden_state;  // [B, S, H]
  const Tensor pooled = pooling == Pooling::mean ? mean_pooling(token_embeddings, batch_tensor(batch, "attention_mask"))
                                                 : cls_pooling(token_embeddings);  // [B, H]
  return normalize_embeddings ? normalize(pooled) : pooled;
}

IntTensor batch_tensor(const tokenizer::BatchEncoding& batch, std::string_view key) {
  tokenizer::IdMatrix m = batch.matrix(key);  // [B, S]
  return IntTensor(std::move(m.data), std::move(m.shape));
}

fs::path default_minilm_dir() {
  if (const char* dir = std::getenv("BERTLAB_MINILM_DIR"); dir && *dir) return fs::path(dir) / "model";
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return fs::path(cache) / "bertlab" / "minilm" / "model";
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".cache" / "bertlab" / "minilm" / "model";
}

}  // namespace bertlab::pipelines
