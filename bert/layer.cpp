#include "bert/layer.h"  // defines: BertIntermediate, BertOutput, BertLayer

#include "tensor/ops.h"

namespace bertlab::bert {

BertIntermediate::BertIntermediate(const BertConfig& config)
    : dense(config.hidden_size, config.intermediate_size), intermediate_act_fn(config.hidden_act) {
  register_module("dense", dense);
  register_module("intermediate_act_fn", intermediate_act_fn);
}

Tensor BertIntermediate::forward(const Tensor& hidden_states) const {
  return intermediate_act_fn.forward(dense.forward(hidden_states));  // [B, S, I]
}

BertOutput::BertOutput(const BertConfig& config)
    : dense(config.intermediate_size, config.hidden_size),
      layer_norm(config.hidden_size, static_cast<float>(config.layer_norm_eps)),
      dropout(static_cast<float>(config.hidden_dropout_prob)) {
  register_module("dense", dense);
  register_module("LayerNorm", layer_norm);
  register_module("dropout", dropout);
}

Tensor BertOutput::forward(const Tensor& hidden_states, const Tensor& input_tensor) const {
  Tensor h = dropout.forward(dense.forward(hidden_states));  // [B, S, H]
  return layer_norm.forward(add(h, input_tensor));
}

BertLayer::BertLayer(const BertConfig& config) : attention(config), intermediate(config), output(config) {
  register_module("attention", attention);
  register_module("intermediate", intermediate);
  register_module("output", output);
}

BertLayerOutput BertLayer::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                   bool output_attentions) const {
  BertAttentionOutput self_attention_outputs = attention.forward(hidden_states, attention_mask, output_attentions);
  const Tensor& attention_output = self_attention_outputs.attention_output;     // [B, S, H]
  Tensor intermediate_output = intermediate.forward(attention_output);         // [B, S, I]
  Tensor layer_output = output.forward(intermediate_output, attention_output);  // [B, S, H]
  return {layer_output, self_attention_outputs.attention_probs};
}

}  // namespace bertlab::bert
