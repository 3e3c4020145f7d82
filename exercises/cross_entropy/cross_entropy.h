#pragma once

#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab::exercises {

struct CrossEntropyResult {
  float loss;      // the mean over the rows that count
  Tensor dlogits;  // [M, K]: d loss / d logits
};

// F.cross_entropy(logits [M, K], targets [M], ignore_index) and its gradient.
CrossEntropyResult cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index = -100);

}  // namespace bertlab::exercises
