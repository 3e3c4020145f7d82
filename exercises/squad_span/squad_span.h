#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace bertlab::exercises {

struct Span {
  int64_t start, end;  // token indexes, end included
};

// The best answer span of one window from the QA head's logits, as HF run_qa's post-processing.
std::optional<Span> squad_span(const std::vector<float>& start_logits, const std::vector<float>& end_logits,
                               const std::vector<bool>& is_context, int64_t n_best_size = 20,
                               int64_t max_answer_length = 30);

}  // namespace bertlab::exercises
