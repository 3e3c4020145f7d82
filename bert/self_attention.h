// BertAttention = BertSelfAttention (the heads) + BertSelfOutput (projection, residual, LayerNorm).
//   attention_output = LayerNorm(dense(self_attention(x)) + x)           [B, S, H]
// Shapes: B batch, S sequence, H hidden, N heads.
// HF (transformers v4.40.0):
//   BertSelfAttention: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L219
//   BertSelfOutput: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L353
//   BertAttention: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L367
#pragma once

#include "bert/config.h"  // defines: BertConfig
#include "nn/dropout.h"
#include "nn/layer_norm.h"
#include "nn/linear.h"
#include "nn/multi_head_attention.h"

namespace bertlab::bert {

// Exactly nn::MultiHeadAttention (query, key, value, dropout) under BERT's class name.
class BertSelfAttention : public nn::MultiHeadAttention {
 public:
  explicit BertSelfAttention(const BertConfig& config);
  std::string type_name() const override { return "BertSelfAttention"; }
};

class BertSelfOutput : public nn::Module {
 public:
  explicit BertSelfOutput(const BertConfig& config);
  // hidden_states: the attention context [B, S, H]; input_tensor: the layer's input [B, S, H].
  Tensor forward(const Tensor& hidden_states, const Tensor& input_tensor) const;
  std::string type_name() const override { return "BertSelfOutput"; }

  nn::Linear dense;
  nn::LayerNorm layer_norm;  // "LayerNorm"
  nn::Dropout dropout;
};

// What BertAttention returns (HF: the tuple (attention_output, attention_probs)).
struct BertAttentionOutput {
  Tensor attention_output;  // [B, S, H]
  Tensor attention_probs;   // [B, N, S, S], when kept (see nn::MultiHeadAttention::forward)
};

class BertAttention : public nn::Module {
 public:
  explicit BertAttention(const BertConfig& config);
  BertAttentionOutput forward(const Tensor& hidden_states, const Tensor& attention_mask,
                              bool output_attentions = false) const;
  std::string type_name() const override { return "BertAttention"; }

  BertSelfAttention self;
  BertSelfOutput output;
};

}  // namespace bertlab::bert
