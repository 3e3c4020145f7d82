#pragma once

#include <vector>

#include "pipelines/fill_mask.h"  // defines: TokenProbability

namespace bertlab::exercises {

// softmax(logits[0, position]) over the vocabulary, and its k most probable tokens, most probable first.
std::vector<pipelines::TokenProbability> fill_mask_top_k(const Tensor& logits, int64_t position, int64_t k);

}  // namespace bertlab::exercises
