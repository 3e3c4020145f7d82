#include "bert/for_sequence_classification.h"  // defines: BertForSequenceClassification

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

BertForSequenceClassification::BertForSequenceClassification(const BertConfig& config)
    : num_labels(config.num_labels()),
      bert(config),
      dropout(config.classifier_dropout_prob()),
      classifier(config.hidden_size, config.num_labels()) {
  register_module("bert", bert);
  register_module("dropout", dropout);
  register_module("classifier", classifier);
}

SequenceClassifierOutput BertForSequenceClassification::forward(const IntTensor& input_ids,
                                                                const IntTensor& attention_mask,
                                                                const IntTensor& token_type_ids,
                                                                const IntTensor& labels, bool output_hidden_states,
                                                                bool output_attentions) const {
  SequenceClassifierOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  out.logits = classifier.forward(dropout.forward(out.bert.pooler_output));  // [B, K]
  if (labels.numel() > 0) {
    BERT_CHECK(num_labels > 1, "BertForSequenceClassification: num_labels is 1 (regression), which is not "
                               "implemented: expected at least 2 classes");
    BERT_CHECK(labels.shape == Shape{input_ids.shape[0]}, "BertForSequenceClassification: expected labels [{}], got {}",
               input_ids.shape[0], labels.shape);
    out.loss = cross_entropy(out.logits, labels);
  }
  return out;
}

}  // namespace bertlab::bert
