// BertPooler: a summary vector of the whole input, from the [CLS] token's final hidden state.
//   pooler_output = tanh(dense(last_hidden_state[:, 0]))      [B, S, H] -> [B, H]
// It was trained by next-sentence prediction; classifiers fine-tune on top of it.
// HF (transformers v4.40.0):
//   BertPooler: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L624
#pragma once

#include "bert/config.h"  // defines: BertConfig
#include "nn/activation.h"
#include "nn/linear.h"

namespace bertlab::bert {

class BertPooler : public nn::Module {
 public:
  explicit BertPooler(const BertConfig& config);
  Tensor forward(const Tensor& hidden_states) const;  // [B, S, H] -> [B, H]
  std::string type_name() const override { return "BertPooler"; }

  nn::Linear dense;
  nn::Activation activation;  // Tanh()
};

}  // namespace bertlab::bert
