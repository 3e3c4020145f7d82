// BertForSequenceClassification: one label per input, from the pooled [CLS] vector.
//   logits = classifier(dropout(pooler_output))      [B, H] -> [B, K]
//   loss   = cross_entropy(logits, labels)           labels [B] in 0..K-1
// Shapes: B batch, H hidden, K = num_labels (the size of config.json's id2label).
// HF (transformers v4.40.0):
//   BertForSequenceClassification: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1494
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

struct SequenceClassifierOutput {
  Tensor loss;    // [] when labels were given
  Tensor logits;  // [B, K]
  BertModelOutput bert;
};

class BertForSequenceClassification : public nn::Module {
 public:
  explicit BertForSequenceClassification(const BertConfig& config);
  SequenceClassifierOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                   const IntTensor& token_type_ids = {}, const IntTensor& labels = {},
                                   bool output_hidden_states = false, bool output_attentions = false) const;
  std::string type_name() const override { return "BertForSequenceClassification"; }

  int64_t num_labels;
  BertModel bert;
  nn::Dropout dropout;
  nn::Linear classifier;
};

}  // namespace bertlab::bert
