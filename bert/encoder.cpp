#include "bert/encoder.h"  // defines: BertEncoder, gradient_checkpointing_enable

#include <memory>

#include "tensor/autograd.h"               // defines: grad_enabled
#include "tensor/gradient_checkpointing.h"  // defines: checkpoint

namespace bertlab::bert {

BertEncoder::BertEncoder(const BertConfig& config) : gradient_checkpointing(config.gradient_checkpointing) {
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) layer.append(config);
  register_module("layer", layer);
}

EncoderOutput BertEncoder::forward(const Tensor& hidden_states, const Tensor& attention_mask,
                                   bool output_hidden_states, bool output_attentions) const {
  EncoderOutput out;
  Tensor h = hidden_states;  // [B, S, H]
  for (size_t i = 0; i < layer.size(); ++i) {
    if (output_hidden_states) out.hidden_states.push_back(h);
    BertLayerOutput layer_outputs;
    if (gradient_checkpointing && is_training() && grad_enabled()) {
      // Keep only h; the layer runs again in backward. The attention probabilities asked for are
      // the first run's (numbers without a graph, as HF's checkpointed layer returns them).
      const BertLayer& block = layer[i];
      auto probs = std::make_shared<Tensor>();  // outlives this call: the segment runs again in backward
      layer_outputs.layer_output = checkpoint(
          [&block, attention_mask, output_attentions, probs](const Tensor& x) {
            BertLayerOutput o = block.forward(x, attention_mask, output_attentions);
            if (output_attentions && !probs->defined()) *probs = o.attention_probs;  // the first run's
            return o.layer_output;
          },
          h, block.parameters());
      layer_outputs.attention_probs = *probs;
    } else {
      layer_outputs = layer[i].forward(h, attention_mask, output_attentions);
    }
    h = layer_outputs.layer_output;
    if (output_attentions) out.attentions.push_back(layer_outputs.attention_probs);
  }
  if (output_hidden_states) out.hidden_states.push_back(h);
  out.last_hidden_state = h;
  return out;
}

void gradient_checkpointing_enable(nn::Module& model, bool enable) {
  int encoders = 0;
  auto visit = [&](auto& self, nn::Module& m) -> void {
    if (auto* encoder = dynamic_cast<BertEncoder*>(&m)) {
      encoder->gradient_checkpointing = enable;
      ++encoders;
    }
    for (const auto& [name, child] : m.children()) self(self, *child);
  };
  visit(visit, model);
  BERT_CHECK(encoders > 0, "gradient_checkpointing_enable: {} has no BertEncoder to checkpoint", model.type_name());
}

}  // namespace bertlab::bert
