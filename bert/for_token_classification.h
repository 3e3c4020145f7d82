// BertForTokenClassification: one label per token (named entities, parts of speech).
//   logits = classifier(dropout(last_hidden_state))      [B, S, H] -> [B, S, K]
//   loss   = cross_entropy over positions whose label is not -100     labels [B, S]
// The loss is BertForMaskedLM's (token_cross_entropy) with K labels in place of V tokens: padding,
// [CLS], [SEP] and a word's later sub-tokens carry -100 and are not scored.
// Shapes: B batch, S sequence, H hidden, K = num_labels (the size of config.json's id2label).
// HF (transformers v4.40.0):
//   BertForTokenClassification: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1691
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

struct TokenClassifierOutput {
  Tensor loss;    // [] when labels were given
  Tensor logits;  // [B, S, K]
  BertModelOutput bert;
};

class BertForTokenClassification : public nn::Module {
 public:
  explicit BertForTokenClassification(const BertConfig& config);
  // labels [B, S]: a label index in 0..K-1, or -100 to ignore the position (may be empty).
  TokenClassifierOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                const IntTensor& token_type_ids = {}, const IntTensor& labels = {},
                                bool output_hidden_states = false, bool output_attentions = false) const;
  std::string type_name() const override { return "BertForTokenClassification"; }

  int64_t num_labels;
  BertModel bert;  // no pooler, as in HF
  nn::Dropout dropout;
  nn::Linear classifier;
};

}  // namespace bertlab::bert
