// The library's post-processing (finetune/squad.cpp › postprocess_qa_predictions) on one window:
// the answer and the grader of squad_span. The window's context is one character per token, so
// the answer's character span [start, end) is its token span.
#pragma once

#include <string>

#include "exercises/squad_span/squad_span.h"
#include "finetune/squad.h"  // defines: postprocess_qa_predictions

namespace bertlab::exercises {

inline std::optional<Span> library_squad_span(const std::vector<float>& start_logits,
                                              const std::vector<float>& end_logits, const std::vector<bool>& is_context,
                                              int64_t n_best_size, int64_t max_answer_length) {
  const size_t S = start_logits.size();
  finetune::QaFeatures features;
  tokenizer::Encoding window;
  for (size_t i = 0; i < S; ++i) {
    window.input_ids.push_back(0);
    window.token_type_ids.push_back(is_context[i] ? 1 : 0);
    window.attention_mask.push_back(1);
    window.special_tokens_mask.push_back(0);
    window.offset_mapping.emplace_back(i, i + 1);
  }
  features.windows = {window};
  features.example_index = {0};
  const finetune::SquadExample example{"q", "", "", std::string(S, 'x'), {}};
  const finetune::QaPrediction best = finetune::postprocess_qa_predictions(
      {example}, features, {start_logits}, {end_logits}, n_best_size, max_answer_length)[0];
  if (best.end == 0) return std::nullopt;  // an empty answer: no valid span
  return Span{best.start, best.end - 1};
}

}  // namespace bertlab::exercises
