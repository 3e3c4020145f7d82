// SentenceTransformer: texts in, one embedding per text out, as sentence-transformers does it with
// a BERT model folder (tokenizer -> BertModel -> pooling -> L2 normalize).
//
//   auto model = SentenceTransformer::from_pretrained(default_minilm_dir());   // all-MiniLM-L6-v2
//   Tensor embeddings = model.encode({"The weather is lovely today.", "It's so sunny outside!"});
//   cos_sim(embeddings, embeddings)   // [2, 2]: 1 on the diagonal, 0.6660 off it (as in Python)
// The folder is an HF/sentence-transformers folder: config.json, model.safetensors, vocab.txt,
// and optionally sentence_bert_config.json, whose max_seq_length (256 for MiniLM) truncates input.
// Shapes: B batch (texts), S sequence, H hidden.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bert/model.h"                // defines: BertModel
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace bertlab::pipelines {

enum class Pooling { mean, cls };  // mean of the real tokens, or the [CLS] token (sentence_embedding.h)

class SentenceTransformer {
 public:
  static SentenceTransformer from_pretrained(const std::filesystem::path& folder);
  SentenceTransformer(tokenizer::BertTokenizer tokenizer, std::unique_ptr<bert::BertModel> model, int64_t max_seq_length);

  // The model inputs: [CLS] text [SEP] per row, padded to the longest, truncated to max_seq_length.
  tokenizer::BatchEncoding tokenize(const std::vector<std::string>& sentences) const;
  // BertModel on a tokenized batch: last_hidden_state [B, S, H], pooler_output [B, H].
  bert::BertModelOutput forward(const tokenizer::BatchEncoding& batch) const;
  // [B, H]: the pooled last hidden state of each sentence, L2-normalized when `normalize_embeddings`.
  // all-MiniLM-L6-v2's own embedding is the default: mean pooling, normalized.
  Tensor encode(const std::vector<std::string>& sentences, Pooling pooling = Pooling::mean,
                bool normalize_embeddings = true) const;

  tokenizer::BertTokenizer tokenizer;
  std::unique_ptr<bert::BertModel> model;
  int64_t max_seq_length;
};

// One of a padded batch's [B, S] id matrices ("input_ids", "attention_mask", ...) as model input.
IntTensor batch_tensor(const tokenizer::BatchEncoding& batch, std::string_view key);

// Where scripts/fetch-minilm unpacks all-MiniLM-L6-v2: $BERTLAB_MINILM_DIR/model, else
// ${XDG_CACHE_HOME:-~/.cache}/bertlab/minilm/model. The folder may not exist (run the script).
std::filesystem::path default_minilm_dir();

}  // namespace bertlab::pipelines
