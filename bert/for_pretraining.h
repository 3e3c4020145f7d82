// BertForPreTraining: BERT as it was pre-trained, both heads at once.
//   prediction_logits       = cls.predictions(last_hidden_state)     [B, S, V]   (the MLM head)
//   seq_relationship_logits = cls.seq_relationship(pooler_output)    [B, 2]      (the NSP head)
//   loss = MLM cross-entropy (labels [B, S], -100 ignored) + NSP cross-entropy (next_sentence_label [B])
// The heads are BertForMaskedLM's BertLMPredictionHead (decoder tied to the word embeddings) and
// BertForNextSentencePrediction's Linear, side by side under `cls`: this is the layout of
// bert-base-uncased's checkpoint, so every one of its tensors loads.
// Shapes: B batch, S sequence, H hidden, V vocab.
// HF (transformers v4.40.0):
//   BertPreTrainingHeads: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L696
//   BertForPreTraining: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1023
#pragma once

#include "bert/for_masked_lm.h"  // defines: BertLMPredictionHead

namespace bertlab::bert {

class BertPreTrainingHeads : public nn::Module {
 public:
  explicit BertPreTrainingHeads(const BertConfig& config) : predictions(config), seq_relationship(config.hidden_size, 2) {
    register_module("predictions", predictions);
    register_module("seq_relationship", seq_relationship);
  }
  std::string type_name() const override { return "BertPreTrainingHeads"; }

  BertLMPredictionHead predictions;  // [B, S, H] -> [B, S, V]
  nn::Linear seq_relationship;       // [B, H] -> [B, 2]
};

struct BertForPreTrainingOutput {
  Tensor loss;                     // [] when both label tensors were given
  Tensor prediction_logits;        // [B, S, V]
  Tensor seq_relationship_logits;  // [B, 2]
  BertModelOutput bert;
};

class BertForPreTraining : public nn::Module {
 public:
  explicit BertForPreTraining(const BertConfig& config);
  // labels [B, S] (MLM, -100 = ignore) and next_sentence_label [B]: both or neither, as HF computes
  // the loss only with both (one alone is an error here rather than a silently missing loss).
  BertForPreTrainingOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                   const IntTensor& token_type_ids = {}, const IntTensor& labels = {},
                                   const IntTensor& next_sentence_label = {}, bool output_hidden_states = false,
                                   bool output_attentions = false) const;
  std::string type_name() const override { return "BertForPreTraining"; }

  BertModel bert;
  BertPreTrainingHeads cls;
};

}  // namespace bertlab::bert
