// BertEncoder: L BertLayers applied in turn, each one's output the next one's input.
//   hidden_states.0 = embeddings; hidden_states.(i+1) = layer[i](hidden_states.i)     [B, S, H]
// With gradient_checkpointing on, in training, each layer is a checkpoint segment
// (tensor/gradient_checkpointing.h): its insides are recomputed in backward instead of kept.
// HF (transformers v4.40.0):
//   BertEncoder: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L531
#pragma once

#include <vector>

#include "bert/layer.h"  // defines: BertLayer

namespace bertlab::bert {

struct EncoderOutput {
  Tensor last_hidden_state;           // [B, S, H]
  std::vector<Tensor> hidden_states;  // L + 1 tensors [B, S, H] (input first), when requested
  std::vector<Tensor> attentions;     // L tensors [B, N, S, S], when requested
};

class BertEncoder : public nn::Module {
 public:
  explicit BertEncoder(const BertConfig& config);
  EncoderOutput forward(const Tensor& hidden_states, const Tensor& attention_mask, bool output_hidden_states,
                        bool output_attentions) const;
  std::string type_name() const override { return "BertEncoder"; }

  nn::ModuleList<BertLayer> layer;
  bool gradient_checkpointing = false;  // HF: self.gradient_checkpointing, set by gradient_checkpointing_enable
};

// HF's model.gradient_checkpointing_enable() / _disable(): on every BertEncoder inside `model`
// (any BertFor* or a BertModel). Throws when the model has none.
void gradient_checkpointing_enable(nn::Module& model, bool enable = true);

}  // namespace bertlab::bert
