// BertLayer: one Transformer encoder block, post-norm as in the original BERT.
//   attention_output = LayerNorm(x + Attention(x))                    [B, S, H]
//   intermediate     = act(dense(attention_output))                   [B, S, I]
//   layer_output     = LayerNorm(attention_output + dense(intermediate))  [B, S, H]
// Shapes: B batch, S sequence, H hidden, I intermediate, N heads.
// HF (transformers v4.40.0):
//   BertIntermediate: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L416
//   BertOutput: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L431
//   BertLayer: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L445
#pragma once

#include "bert/self_attention.h"  // defines: BertAttention
#include "nn/activation.h"

namespace bertlab::bert {

class BertIntermediate : public nn::Module {
 public:
  explicit BertIntermediate(const BertConfig& config);
  Tensor forward(const Tensor& hidden_states) const;  // [B, S, H] -> [B, S, I]
  std::string type_name() const override { return "BertIntermediate"; }

  nn::Linear dense;
  nn::Activation intermediate_act_fn;
};

class BertOutput : public nn::Module {
 public:
  explicit BertOutput(const BertConfig& config);
  // hidden_states [B, S, I]; input_tensor: the attention output [B, S, H] for the residual.
  Tensor forward(const Tensor& hidden_states, const Tensor& input_tensor) const;  // [B, S, H]
  std::string type_name() const override { return "BertOutput"; }

  nn::Linear dense;
  nn::LayerNorm layer_norm;  // "LayerNorm"
  nn::Dropout dropout;
};

// What BertLayer returns (HF: the tuple (layer_output, attention_probs)).
struct BertLayerOutput {
  Tensor layer_output;     // [B, S, H], the next layer's hidden_states
  Tensor attention_probs;  // [B, N, S, S], when kept (see nn::MultiHeadAttention::forward)
};

class BertLayer : public nn::Module {
 public:
  explicit BertLayer(const BertConfig& config);
  BertLayerOutput forward(const Tensor& hidden_states, const Tensor& attention_mask,
                              bool output_attentions = false) const;
  std::string type_name() const override { return "BertLayer"; }

  BertAttention attention;
  BertIntermediate intermediate;
  BertOutput output;
};

}  // namespace bertlab::bert
