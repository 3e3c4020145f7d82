// Exercise (lab 05): SQuAD, choosing the answer span.
//
// BertForQuestionAnswering gives every token of a window [CLS] question [SEP] context [SEP] a
// start logit and an end logit. The answer is the span (start, end) with the largest
//   start_logits[start] + end_logits[end]
// among the candidates that HF's run_qa.py keeps:
//   start is one of the n_best_size tokens with the largest start logits, end one of the
//   n_best_size with the largest end logits (on a tie, the smaller index counts as larger);
//   both are context tokens (is_context[i]: not the question, not [CLS]/[SEP]/padding);
//   start <= end, and end - start + 1 <= max_answer_length tokens.
// If two candidates have the same score, the one met first wins: starts in order of their rank,
// for each start the ends in order of theirs. No candidate at all: return std::nullopt.
// Shapes: start_logits, end_logits, is_context [S].
//
// Hint: a small function "the indexes of the k largest" (std::partial_sort on indexes), then two loops.
// Note that the best valid pair may not be the best start: a question token can have the top logit.
// Check it: ./run exercise squad_span       Answer: finetune/squad.cpp › postprocess_qa_predictions
#include "exercises/squad_span/squad_span.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace bertlab::exercises {

std::optional<Span> squad_span(const std::vector<float>& start_logits, const std::vector<float>& end_logits,
                               const std::vector<bool>& is_context, int64_t n_best_size, int64_t max_answer_length) {
  // TODO: your code here.
  throw std::logic_error("TODO: squad_span is not written yet");
}

}  // namespace bertlab::exercises
