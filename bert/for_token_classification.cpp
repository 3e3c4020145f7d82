#include "bert/for_token_classification.h"  // defines: BertForTokenClassification

#include "bert/for_masked_lm.h"  // defines: token_cross_entropy

namespace bertlab::bert {

BertForTokenClassification::BertForTokenClassification(const BertConfig& config)
    : num_labels(config.num_labels()),
      bert(config, /*add_pooling_layer=*/false),
      dropout(config.classifier_dropout_prob()),
      classifier(config.hidden_size, config.num_labels()) {
  register_module("bert", bert);
  register_module("dropout", dropout);
  register_module("classifier", classifier);
}

TokenClassifierOutput BertForTokenClassification::forward(const IntTensor& input_ids, const IntTensor& attention_mask,
                                                          const IntTensor& token_type_ids, const IntTensor& labels,
                                                          bool output_hidden_states, bool output_attentions) const {
  TokenClassifierOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  out.logits = classifier.forward(dropout.forward(out.bert.last_hidden_state));  // [B, S, K]
  if (labels.numel() > 0) out.loss = token_cross_entropy(out.logits, labels, "BertForTokenClassification");
  return out;
}

}  // namespace bertlab::bert
