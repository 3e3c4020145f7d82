#include "bert/encoder.h"  // defines: BertEncoder

namespace bertlab::bert {

BertEncoder::BertEncoder(const BertConfig& config) {
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) layer.append(config);
  register_module("layer", layer);
}

EncoderOutput BertEncoder::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                   bool output_hidden_states, bool output_attentions) const {
  EncoderOutput out;
  Tensor h = hidden_states;  // [B, S, H]
  for (size_t i = 0; i < layer.size(); ++i) {
    if (output_hidden_states) out.hidden_states.push_back(h);
    BertLayerOutput layer_outputs = layer[i].forward(h, attention_mask, output_attentions);
    h = layer_outputs.layer_output;
    if (output_attentions) out.attentions.push_back(layer_outputs.attention_probs);
  }
  if (output_hidden_states) out.hidden_states.push_back(h);
  out.last_hidden_state = h;
  return out;
}

}  // namespace bertlab::bert
