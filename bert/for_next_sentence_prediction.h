// BertForNextSentencePrediction: does sentence B follow sentence A? BERT's second pre-training task.
//   logits = seq_relationship(pooler_output)         [B, H] -> [B, 2]
//   loss   = cross_entropy(logits, next_sentence_label)       labels [B]
// Label 0 = B is the continuation of A, 1 = B is a random sentence. No dropout before the head,
// as in HF. bert-base-uncased ships this head (cls.seq_relationship.*): it loads as is.
// Shapes: B batch, H hidden.
// HF (transformers v4.40.0):
//   BertOnlyNSPHead: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L686
//   BertForNextSentencePrediction: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1389
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

// The NSP head alone: one Linear on the pooled [CLS] vector, under HF's name.
class BertOnlyNSPHead : public nn::Module {
 public:
  explicit BertOnlyNSPHead(const BertConfig& config) : seq_relationship(config.hidden_size, 2) {
    register_module("seq_relationship", seq_relationship);
  }
  std::string type_name() const override { return "BertOnlyNSPHead"; }

  nn::Linear seq_relationship;  // [H] -> [2]
};

struct NextSentencePredictorOutput {
  Tensor loss;    // [] when next_sentence_label was given
  Tensor logits;  // [B, 2]
  BertModelOutput bert;
};

class BertForNextSentencePrediction : public nn::Module {
 public:
  explicit BertForNextSentencePrediction(const BertConfig& config);
  // next_sentence_label [B]: 0 (is next) or 1 (random), may be empty. HF calls it `labels`.
  NextSentencePredictorOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                      const IntTensor& token_type_ids = {}, const IntTensor& next_sentence_label = {},
                                      bool output_hidden_states = false, bool output_attentions = false) const;
  std::string type_name() const override { return "BertForNextSentencePrediction"; }

  BertModel bert;
  BertOnlyNSPHead cls;
};

// The NSP loss on logits [B, 2] (shared with BertForPreTraining); `who` names the model in errors.
Tensor next_sentence_loss(const Tensor& logits, const IntTensor& next_sentence_label, const char* who);

}  // namespace bertlab::bert
