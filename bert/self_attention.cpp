#include "bert/self_attention.h"  // defines: BertSelfAttention, BertSelfOutput, BertAttention

#include "tensor/ops.h"

namespace bertlab::bert {

BertSelfAttention::BertSelfAttention(const BertConfig& config)
    : nn::MultiHeadAttention(config.hidden_size, config.num_attention_heads,
                             static_cast<float>(config.attention_probs_dropout_prob), config.attn_implementation) {}

BertSelfOutput::BertSelfOutput(const BertConfig& config)
    : dense(config.hidden_size, config.hidden_size),
      layer_norm(config.hidden_size, static_cast<float>(config.layer_norm_eps)),
      dropout(static_cast<float>(config.hidden_dropout_prob)) {
  register_module("dense", dense);
  register_module("LayerNorm", layer_norm);
  register_module("dropout", dropout);
}

Tensor BertSelfOutput::forward(const Tensor& hidden_states, const Tensor& input_tensor) const {
  Tensor h = dropout.forward(dense.forward(hidden_states));  // [B, S, H]
  return layer_norm.forward(add(h, input_tensor));          // residual, then LayerNorm (post-norm)
}

BertAttention::BertAttention(const BertConfig& config) : self(config), output(config) {
  register_module("self", self);
  register_module("output", output);
}

BertAttentionOutput BertAttention::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                           bool output_attentions) const {
  nn::AttentionOutput self_outputs = self.forward(hidden_states, attention_mask, output_attentions);
  Tensor attention_output = output.forward(self_outputs.context_layer, hidden_states);  // [B, S, H]
  return {attention_output, self_outputs.attention_probs};
}

}  // namespace bertlab::bert
