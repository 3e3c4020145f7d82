// The answer: the library's (pipelines/fill_mask.cpp › top_k_probabilities).
#include "exercises/fill_mask_top_k/fill_mask_top_k.h"

namespace bertlab::exercises {

std::vector<pipelines::TokenProbability> fill_mask_top_k(const Tensor& logits, int64_t position, int64_t k) {
  return pipelines::top_k_probabilities(logits, position, k);
}

}  // namespace bertlab::exercises
