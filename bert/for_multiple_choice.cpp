#include "bert/for_multiple_choice.h"  // defines: BertForMultipleChoice

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

BertForMultipleChoice::BertForMultipleChoice(const BertConfig& config)
    : bert(config),
      dropout(config.classifier_dropout_prob()),
      classifier(config.hidden_size, 1) {
  register_module("bert", bert);
  register_module("dropout", dropout);
  register_module("classifier", classifier);
}

MultipleChoiceModelOutput BertForMultipleChoice::forward(const IntTensor& input_ids, const IntTensor& attention_mask,
                                                         const IntTensor& token_type_ids, const IntTensor& labels,
                                                         bool output_hidden_states, bool output_attentions) const {
  BERT_CHECK(input_ids.shape.size() == 3, "BertForMultipleChoice: expected input_ids [B, C, S], got {}",
             input_ids.shape);
  const int64_t B = input_ids.shape[0], C = input_ids.shape[1], S = input_ids.shape[2];
  // [B, C, S] -> [B·C, S]: the same ids, read as B·C separate inputs.
  auto flat = [&](const IntTensor& ids, const char* name) {
    if (ids.numel() == 0) return IntTensor();
    BERT_CHECK(ids.shape == input_ids.shape, "BertForMultipleChoice: expected {} {} like input_ids, got {}", name,
               input_ids.shape, ids.shape);
    return IntTensor(ids.data, {B * C, S});
  };
  MultipleChoiceModelOutput out;
  out.bert = bert.forward(flat(input_ids, "input_ids"), flat(attention_mask, "attention_mask"),
                          flat(token_type_ids, "token_type_ids"), output_hidden_states, output_attentions);
  Tensor logits = classifier.forward(dropout.forward(out.bert.pooler_output));  // [B·C, 1]
  out.logits = logits.reshape({B, C});                                          // [B, C]
  if (labels.numel() > 0) {
    BERT_CHECK(labels.shape == Shape{B}, "BertForMultipleChoice: expected labels [{}], got {}", B, labels.shape);
    out.loss = cross_entropy(out.logits, labels);  // a softmax over each example's C choices
  }
  return out;
}

}  // namespace bertlab::bert
