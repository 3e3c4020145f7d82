#include "nn/multi_head_attention.h"  // defines: scaled_dot_product_attention, MultiHeadAttention

#include <cmath>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::nn {

AttentionOutput scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                             const Dropout& dropout) {
  const float inv_sqrt_d = 1.0f / std::sqrt(static_cast<float>(q.size(-1)));
  Tensor scores = matmul(q, k, false, /*transpose_b=*/true, inv_sqrt_d);         // [B, N, S, S]
  Tensor probs = softmax(scores, mask);                                          // [B, N, S, S]
  Tensor context = matmul(dropout.forward(probs), v);                            // [B, N, S, D]
  return {context, probs};
}

MultiHeadAttention::MultiHeadAttention(int64_t hidden_size, int64_t num_heads, float attention_dropout)
    : num_attention_heads(num_heads),
      attention_head_size(hidden_size / num_heads),
      query(hidden_size, hidden_size),
      key(hidden_size, hidden_size),
      value(hidden_size, hidden_size),
      dropout(attention_dropout) {
  BERT_CHECK(num_heads > 0 && hidden_size % num_heads == 0,
             "MultiHeadAttention: hidden_size must be a multiple of num_attention_heads: got {} and {}", hidden_size,
             num_heads);
  register_module("query", query);
  register_module("key", key);
  register_module("value", value);
  register_module("dropout", dropout);
}

AttentionOutput MultiHeadAttention::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                            bool output_attentions) const {
  BERT_CHECK(hidden_states.dim() == 3 && hidden_states.size(2) == query.in_features,
             "{}: expected hidden_states [B, S, {}], got {}", type_name(), query.in_features, hidden_states.shape());
  const int64_t N = num_attention_heads;
  Tensor q = query.forward(hidden_states), k = key.forward(hidden_states), v = value.forward(hidden_states);  // [B, S, H]
  const bool dropout_active = dropout.is_training() && dropout.p > 0.0f;
  if (!needs_grad({q, k, v}) && !dropout_active) {  // inference: one fused pass per head, same numbers
    AttentionOutput out;
    out.context = fused_attention(q, k, v, N, attention_mask, output_attentions ? &out.probs : nullptr);
    return out;                                                                            // [B, S, H]
  }
  AttentionOutput out = scaled_dot_product_attention(split_heads(q, N), split_heads(k, N), split_heads(v, N),
                                                     attention_mask, dropout);            // [B, N, S, D]
  return {merge_heads(out.context), out.probs};                                          // [B, S, H], [B, N, S, S]
}

}  // namespace bertlab::nn
