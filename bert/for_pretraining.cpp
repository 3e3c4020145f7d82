#include "bert/for_pretraining.h"  // defines: BertForPreTraining

#include "bert/for_next_sentence_prediction.h"  // defines: next_sentence_loss
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

BertForPreTraining::BertForPreTraining(const BertConfig& config) : bert(config), cls(config) {
  register_module("bert", bert);
  register_module("cls", cls);
  cls.predictions.decoder.weight = bert.embeddings.word_embeddings.weight;  // tied, as in BertForMaskedLM
}

BertForPreTrainingOutput BertForPreTraining::forward(const IntTensor& input_ids, const IntTensor& attention_mask,
                                                     const IntTensor& token_type_ids, const IntTensor& labels,
                                                     const IntTensor& next_sentence_label, bool output_hidden_states,
                                                     bool output_attentions) const {
  BertForPreTrainingOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  out.prediction_logits = cls.predictions.forward(out.bert.last_hidden_state);             // [B, S, V]
  out.seq_relationship_logits = cls.seq_relationship.forward(out.bert.pooler_output);      // [B, 2]
  const bool mlm = labels.numel() > 0, nsp = next_sentence_label.numel() > 0;
  BERT_CHECK(mlm == nsp, "BertForPreTraining: the loss needs both labels (MLM, [B, S]) and next_sentence_label "
                         "([B]), got only {}", mlm ? "labels" : "next_sentence_label");
  if (mlm)  // d(loss)/d(each part) = 1: the two heads' gradients simply add up in the shared encoder
    out.loss = add(token_cross_entropy(out.prediction_logits, labels, "BertForPreTraining"),
                   next_sentence_loss(out.seq_relationship_logits, next_sentence_label, "BertForPreTraining"));
  return out;
}

}  // namespace bertlab::bert
