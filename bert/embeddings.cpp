#include "bert/embeddings.h"  // defines: BertEmbeddings

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

BertEmbeddings::BertEmbeddings(const BertConfig& config)
    : word_embeddings(config.vocab_size, config.hidden_size, config.pad_token_id),
      position_embeddings(config.max_position_embeddings, config.hidden_size),
      token_type_embeddings(config.type_vocab_size, config.hidden_size),
      layer_norm(config.hidden_size, static_cast<float>(config.layer_norm_eps)),
      dropout(static_cast<float>(config.hidden_dropout_prob)) {
  register_module("word_embeddings", word_embeddings);
  register_module("position_embeddings", position_embeddings);
  register_module("token_type_embeddings", token_type_embeddings);
  register_module("LayerNorm", layer_norm);
  register_module("dropout", dropout);
}

Tensor BertEmbeddings::forward(const IntTensor& input_ids, const IntTensor& token_type_ids) const {
  BERT_CHECK(input_ids.shape.size() == 2, "bert.embeddings: expected input_ids [B, S], got {}", input_ids.shape);
  const int64_t B = input_ids.shape[0], S = input_ids.shape[1];
  BERT_CHECK(S <= position_embeddings.num_embeddings,
             "bert.embeddings: sequence too long: expected at most {} tokens (max_position_embeddings), got {}. "
             "Hint: truncate with max_length",
             position_embeddings.num_embeddings, S);
  const IntTensor types = token_type_ids.numel() > 0 ? token_type_ids : IntTensor(std::vector<int64_t>(B * S, 0), {B, S});
  BERT_CHECK(types.shape == input_ids.shape, "bert.embeddings: expected token_type_ids {} like input_ids, got {}",
             input_ids.shape, types.shape);
  std::vector<int64_t> positions(S);
  for (int64_t s = 0; s < S; ++s) positions[s] = s;

  Tensor inputs_embeds = word_embeddings.forward(input_ids);                            // [B, S, H]
  Tensor token_type = token_type_embeddings.forward(types);                             // [B, S, H]
  Tensor position = position_embeddings.forward(IntTensor(positions, {1, S}));          // [1, S, H]
  Tensor embeddings = add(add(inputs_embeds, token_type), position);                    // [B, S, H]
  return dropout.forward(layer_norm.forward(embeddings));                               // [B, S, H]
}

}  // namespace bertlab::bert
