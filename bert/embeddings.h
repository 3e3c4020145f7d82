// BertEmbeddings: the vectors BERT starts from, one per token.
//   embedding_output = LayerNorm(word[input_ids] + token_type[token_type_ids] + position[0..S-1])
// Shapes: B batch, S sequence, H hidden, V vocab, P max positions.
//   input_ids [B, S] -> [B, S, H]
// HF (transformers v4.40.0):
//   BertEmbeddings: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L155
#pragma once

#include "bert/config.h"  // defines: BertConfig
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/layer_norm.h"

namespace bertlab::bert {

class BertEmbeddings : public nn::Module {
 public:
  explicit BertEmbeddings(const BertConfig& config);
  // input_ids [B, S]; token_type_ids [B, S] or empty (all segment 0).
  Tensor forward(const IntTensor& input_ids, const IntTensor& token_type_ids) const;  // [B, S, H]
  std::string type_name() const override { return "BertEmbeddings"; }

  nn::Embedding word_embeddings;        // [V, H], row pad_token_id never trained
  nn::Embedding position_embeddings;    // [P, H]
  nn::Embedding token_type_embeddings;  // [2, H]
  nn::LayerNorm layer_norm;             // registered as "LayerNorm", HF's name
  nn::Dropout dropout;
};

}  // namespace bertlab::bert
