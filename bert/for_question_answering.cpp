#include "bert/for_question_answering.h"  // defines: BertForQuestionAnswering

#include <algorithm>

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

BertForQuestionAnswering::BertForQuestionAnswering(const BertConfig& config)
    : bert(config, /*add_pooling_layer=*/false), qa_outputs(config.hidden_size, 2) {
  register_module("bert", bert);
  register_module("qa_outputs", qa_outputs);
}

QuestionAnsweringModelOutput BertForQuestionAnswering::forward(const IntTensor& input_ids,
                                                               const IntTensor& attention_mask,
                                                               const IntTensor& token_type_ids,
                                                               const IntTensor& start_positions,
                                                               const IntTensor& end_positions,
                                                               bool output_hidden_states, bool output_attentions) const {
  QuestionAnsweringModelOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  const int64_t B = input_ids.shape[0], S = input_ids.shape[1];
  Tensor logits = qa_outputs.forward(out.bert.last_hidden_state);  // [B, S, 2]
  out.start_logits = slice(logits, -1, 0, 1).reshape({B, S});      // [B, S]
  out.end_logits = slice(logits, -1, 1, 2).reshape({B, S});        // [B, S]
  if (start_positions.numel() > 0 || end_positions.numel() > 0) {
    BERT_CHECK(start_positions.shape == Shape{B} && end_positions.shape == Shape{B},
               "BertForQuestionAnswering: expected start_positions and end_positions [{}], got {} and {}", B,
               start_positions.shape, end_positions.shape);
    // An answer outside the window (e.g. cut by truncation) points at index S, which is ignored.
    auto clamp = [S](IntTensor p) {
      for (int64_t& v : p.data) v = std::clamp<int64_t>(v, 0, S);
      return p;
    };
    Tensor start_loss = cross_entropy(out.start_logits, clamp(start_positions), /*ignore_index=*/S);
    Tensor end_loss = cross_entropy(out.end_logits, clamp(end_positions), /*ignore_index=*/S);
    out.loss = scale(add(start_loss, end_loss), 0.5f);
  }
  return out;
}

}  // namespace bertlab::bert
