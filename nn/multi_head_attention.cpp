#include "nn/multi_head_attention.h"  // defines: scaled_dot_product_attention, MultiHeadAttention

#include <cmath>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/memory.h"  // defines: MemoryTag
#include "tensor/ops.h"

namespace bertlab::nn {

AttentionOutput scaled_dot_product_attention(const Tensor& query_layer, const Tensor& key_layer,
                                             const Tensor& value_layer, const Tensor& attention_mask,
                                             const Dropout& dropout) {
  const float inv_sqrt_d = 1.0f / std::sqrt(static_cast<float>(query_layer.size(-1)));
  // "Dot product between query and key to get the raw attention scores", scaled by 1/√D.
  Tensor attention_scores = matmul(query_layer, key_layer, false, /*transpose_b=*/true, inv_sqrt_d);  // [B, N, S, S]
  // The probabilities, and their dropped-out copy, are what backward keeps of a layer's attention:
  // counted under their own name in the Trainer's memory ledger (tensor/memory.h).
  Tensor attention_probs, dropped_probs;
  {
    memory::MemoryTag tag(memory::Tag::attention_probs);
    attention_probs = softmax(attention_scores, attention_mask);  // [B, N, S, S]
    dropped_probs = dropout.forward(attention_probs);             // [B, N, S, S]
  }
  Tensor context_layer = matmul(dropped_probs, value_layer);  // [B, N, S, D]
  return {context_layer, attention_probs};
}

MultiHeadAttention::MultiHeadAttention(int64_t hidden_size, int64_t num_heads, float attention_dropout,
                                       std::string attn_implementation_)
    : num_attention_heads(num_heads),
      attention_head_size(num_heads > 0 ? hidden_size / num_heads : 0),
      attn_implementation(std::move(attn_implementation_)),
      query(hidden_size, hidden_size),
      key(hidden_size, hidden_size),
      value(hidden_size, hidden_size),
      dropout(attention_dropout) {
  BERT_CHECK(num_heads > 0 && hidden_size % num_heads == 0,
             "MultiHeadAttention: hidden_size must be a multiple of num_attention_heads: got {} and {}", hidden_size,
             num_heads);
  BERT_CHECK(attn_implementation == "sdpa" || attn_implementation == "eager",
             "MultiHeadAttention: attn_implementation: expected \"sdpa\" or \"eager\", got \"{}\"", attn_implementation);
  register_module("query", query);
  register_module("key", key);
  register_module("value", value);
  register_module("dropout", dropout);
}

Tensor MultiHeadAttention::transpose_for_scores(const Tensor& x) const {
  return split_heads(x, num_attention_heads);  // [B, S, H] -> [B, N, S, D]
}

AttentionOutput MultiHeadAttention::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                            bool output_attentions) const {
  BERT_CHECK(hidden_states.dim() == 3 && hidden_states.size(2) == query.in_features,
             "{}: expected hidden_states [B, S, {}], got {}", type_name(), query.in_features, hidden_states.shape());
  Tensor mixed_query_layer = query.forward(hidden_states);  // [B, S, H]
  Tensor mixed_key_layer = key.forward(hidden_states);      // [B, S, H]
  Tensor mixed_value_layer = value.forward(hidden_states);  // [B, S, H]
  // The fused path keeps no graph and applies no dropout, so it serves inference only.
  const bool inference = !needs_grad({mixed_query_layer, mixed_key_layer, mixed_value_layer}) &&
                         !(dropout.is_training() && dropout.p > 0.0f);
  if (attn_implementation == "sdpa" && inference) {
    AttentionOutput out;
    out.context_layer = fused_attention(mixed_query_layer, mixed_key_layer, mixed_value_layer, num_attention_heads,
                                        attention_mask, output_attentions ? &out.attention_probs : nullptr);
    return out;  // [B, S, H]
  }
  AttentionOutput out = scaled_dot_product_attention(transpose_for_scores(mixed_query_layer),
                                                     transpose_for_scores(mixed_key_layer),
                                                     transpose_for_scores(mixed_value_layer), attention_mask,
                                                     dropout);                                 // [B, N, S, D]
  return {merge_heads(out.context_layer), out.attention_probs};  // [B, S, H], [B, N, S, S]
}

}  // namespace bertlab::nn
