#include "bert/for_next_sentence_prediction.h"  // defines: BertForNextSentencePrediction, next_sentence_loss

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

Tensor next_sentence_loss(const Tensor& logits, const IntTensor& next_sentence_label, const char* who) {
  const int64_t B = logits.size(0);
  BERT_CHECK(next_sentence_label.shape == Shape{B}, "{}: expected next_sentence_label [{}], got {}", who, B,
             next_sentence_label.shape);
  return cross_entropy(logits, next_sentence_label);  // [B, 2] vs [B] -> []
}

BertForNextSentencePrediction::BertForNextSentencePrediction(const BertConfig& config) : bert(config), cls(config) {
  register_module("bert", bert);
  register_module("cls", cls);
}

NextSentencePredictorOutput BertForNextSentencePrediction::forward(const IntTensor& input_ids,
                                                                   const IntTensor& attention_mask,
                                                                   const IntTensor& token_type_ids,
                                                                   const IntTensor& next_sentence_label,
                                                                   bool output_hidden_states,
                                                                   bool output_attentions) const {
  NextSentencePredictorOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  out.logits = cls.seq_relationship.forward(out.bert.pooler_output);  // [B, 2]
  if (next_sentence_label.numel() > 0)
    out.loss = next_sentence_loss(out.logits, next_sentence_label, "BertForNextSentencePrediction");
  return out;
}

}  // namespace bertlab::bert
