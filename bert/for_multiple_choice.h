// BertForMultipleChoice: pick one of C candidate continuations (SWAG-style).
// Each (context, choice) pair is its own BERT input; all B·C of them run as one flat batch:
//   input_ids [B, C, S] -> [B·C, S] -> pooler_output [B·C, H]
//   logits = classifier(dropout(pooler_output))      [B·C, 1] -> reshaped to [B, C]
//   loss   = cross_entropy(logits, labels)           labels [B] in 0..C-1
// One score per pair and a softmax across the C pairs of an example: the classifier has a single
// output, so the same head serves any number of choices. The BertModel outputs (hidden states,
// attentions, pooler_output) stay flat, [B·C, ...], as in HF.
// Shapes: B batch, C choices, S sequence, H hidden.
// HF (transformers v4.40.0):
//   BertForMultipleChoice: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1597
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

struct MultipleChoiceModelOutput {
  Tensor loss;    // [] when labels were given
  Tensor logits;  // [B, C]
  BertModelOutput bert;  // of the flat [B·C, S] batch
};

class BertForMultipleChoice : public nn::Module {
 public:
  explicit BertForMultipleChoice(const BertConfig& config);
  // input_ids, attention_mask, token_type_ids [B, C, S] (the last two may be empty); labels [B] (may be empty).
  MultipleChoiceModelOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                    const IntTensor& token_type_ids = {}, const IntTensor& labels = {},
                                    bool output_hidden_states = false, bool output_attentions = false) const;
  std::string type_name() const override { return "BertForMultipleChoice"; }

  BertModel bert;
  nn::Dropout dropout;
  nn::Linear classifier;  // [H] -> [1]
};

}  // namespace bertlab::bert
