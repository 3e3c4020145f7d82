// Multi-head self-attention, BERT's way (HF BertSelfAttention without the output projection).
//
// Shapes: B batch, S sequence, H hidden, N heads, D = H / N head size.
//   query_layer      = transpose_for_scores(query(x))         [B, N, S, D]   (likewise key, value)
//   attention_scores = query_layer · key_layerᵀ / √D + mask   [B, N, S, S]   mask [B, 1, 1, S]: 0 keep
//   attention_probs  = dropout(softmax(attention_scores))     [B, N, S, S]   each query's weights
//   context_layer    = merge_heads(attention_probs · value_layer)  [B, S, H]
// Example: with one head, one key and one query, attention_probs = [[1]] and context = value.
//
// Two implementations give the same numbers, as HF's attn_implementation chooses between them:
//   "eager": the ops above one by one (scaled_dot_product_attention), every step a tensor a
//            learner can print; backward runs through it.
//   "sdpa":  fused_attention (tensor/ops/attention.cpp), one head at a time so the [S, S] scores
//            stay in cache: bit for bit the same result, taken in inference (no gradient, no
//            dropout). HF's "sdpa" is PyTorch's fused kernel; this is bertlab's.
#pragma once

#include <string>

#include "nn/dropout.h"  // defines: Dropout
#include "nn/linear.h"   // defines: Linear
#include "nn/module.h"   // defines: Module

namespace bertlab::nn {

struct AttentionOutput {
  Tensor context_layer;    // [B, N, S, D] from scaled_dot_product_attention, [B, S, H] from the module
  Tensor attention_probs;  // [B, N, S, S], or undefined in inference without output_attentions
};

// The teaching core: attention over already split heads. query_layer, key_layer, value_layer
// [B, N, S, D]; attention_mask may be undefined. Dropout on the probabilities only when `dropout`
// is in training mode.
AttentionOutput scaled_dot_product_attention(const Tensor& query_layer, const Tensor& key_layer,
                                             const Tensor& value_layer, const Tensor& attention_mask,
                                             const Dropout& dropout);

class MultiHeadAttention : public Module {
 public:
  // attn_implementation: "sdpa" (the default, as in HF) or "eager"; see the top of this file.
  MultiHeadAttention(int64_t hidden_size, int64_t num_heads, float attention_dropout,
                     std::string attn_implementation = "sdpa");
  // hidden_states [B, S, H]; attention_mask: additive, broadcastable to [B, N, S, S] (or undefined).
  // attention_probs are returned when output_attentions is set, and whenever the eager path runs.
  AttentionOutput forward(const Tensor& hidden_states, const Tensor& attention_mask,
                          bool output_attentions = false) const;
  // HF's name for splitting the heads: [B, S, H] -> [B, N, S, D] (tensor op split_heads).
  Tensor transpose_for_scores(const Tensor& x) const;

  std::string type_name() const override { return "MultiHeadAttention"; }

  int64_t num_attention_heads, attention_head_size;
  std::string attn_implementation;
  Linear query, key, value;
  Dropout dropout;
};

}  // namespace bertlab::nn
