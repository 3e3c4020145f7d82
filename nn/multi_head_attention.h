// Multi-head self-attention, BERT's way (HF BertSelfAttention without the output projection).
//
// Shapes: B batch, S sequence, H hidden, N heads, D = H / N head size.
//   q = split_heads(query(x))   [B, N, S, D]     (likewise k, v)
//   scores  = q · kᵀ / √D + mask                [B, N, S, S]   mask [B, 1, 1, S]: 0 keep, -inf drop
//   probs   = dropout(softmax(scores))          [B, N, S, S]   each query's weights over the keys
//   context = merge_heads(probs · v)            [B, S, H]
// Example: with one head, one key and one query, probs = [[1]] and context = v.
#pragma once

#include "nn/dropout.h"  // defines: Dropout
#include "nn/linear.h"   // defines: Linear
#include "nn/module.h"   // defines: Module

namespace bertlab::nn {

struct AttentionOutput {
  Tensor context;  // [B, N, S, D] from scaled_dot_product_attention, [B, S, H] from the module
  Tensor probs;    // [B, N, S, S], or undefined in inference without output_attentions
};

// The teaching core: attention over already split heads. q, k, v [B, N, S, D]; mask may be
// undefined. Dropout on the probabilities only when `dropout` is in training mode.
AttentionOutput scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                                             const Dropout& dropout);

class MultiHeadAttention : public Module {
 public:
  MultiHeadAttention(int64_t hidden_size, int64_t num_heads, float attention_dropout);
  // hidden_states [B, S, H]; attention_mask: additive, broadcastable to [B, N, S, S] (or undefined).
  // probs are returned when output_attentions is set, and in training (where they are made anyway).
  // Inference (no gradient, no dropout) takes fused_attention: the same numbers, less memory traffic.
  AttentionOutput forward(const Tensor& hidden_states, const Tensor& attention_mask,
                          bool output_attentions = false) const;

  std::string type_name() const override { return "MultiHeadAttention"; }

  int64_t num_attention_heads, attention_head_size;
  Linear query, key, value;
  Dropout dropout;
};

}  // namespace bertlab::nn
