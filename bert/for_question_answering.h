// BertForQuestionAnswering: extractive QA — point at the answer's first and last token.
//   logits = qa_outputs(last_hidden_state)   [B, S, 2]
//   start_logits = logits[..., 0], end_logits = logits[..., 1]      [B, S] each
//   loss = (CE(start_logits, start_positions) + CE(end_logits, end_positions)) / 2
// Positions outside [0, S) are clamped to S and then ignored, as in HF.
// Shapes: B batch, S sequence, H hidden.
// HF (transformers v4.40.0):
//   BertForQuestionAnswering: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1774
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

struct QuestionAnsweringModelOutput {
  Tensor loss;          // [] when positions were given
  Tensor start_logits;  // [B, S]
  Tensor end_logits;    // [B, S]
  BertModelOutput bert;
};

class BertForQuestionAnswering : public nn::Module {
 public:
  explicit BertForQuestionAnswering(const BertConfig& config);
  // start_positions, end_positions [B]: token indices of the answer span (may be empty).
  QuestionAnsweringModelOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                                       const IntTensor& token_type_ids = {}, const IntTensor& start_positions = {},
                                       const IntTensor& end_positions = {}, bool output_hidden_states = false,
                                       bool output_attentions = false) const;
  std::string type_name() const override { return "BertForQuestionAnswering"; }

  BertModel bert;  // no pooler, as in HF
  nn::Linear qa_outputs;
};

}  // namespace bertlab::bert
