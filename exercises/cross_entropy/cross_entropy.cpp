// Exercise (lab 04): cross-entropy, the loss and its gradient.
//
// Each row r of logits [M, K] scores K classes; targets[r] is the right class, or ignore_index
// (-100: "no label here", e.g. every position that was not masked in masked-LM). With T the number
// of rows that count:
//   loss = (1/T) Σ_{r counted} ( log Σ_c exp(z_r[c]) - z_r[targets[r]] )
//   dlogits[r, c] = (softmax(z_r)[c] - [c == targets[r]]) / T    for a counted row, 0 for an ignored one
// (d/dz of log Σ exp z is softmax(z); d/dz of -z[t] is -1 at t.)
//   logits [[0, ln 3]], targets [1]  ->  softmax [0.25, 0.75], loss = -ln 0.75 = 0.2877, dlogits [[0.25, -0.25]]
// When no row counts, PyTorch's mean is 0/0 = NaN; the checks do not ask for that case.
//
// Hint: compute log Σ exp stably: m = max_c z[c], then m + log Σ exp(z[c] - m).
// Check it: ./run exercise cross_entropy       Answer: tensor/ops/cross_entropy.cpp › cross_entropy
#include "exercises/cross_entropy/cross_entropy.h"

#include <cmath>
#include <stdexcept>

namespace bertlab::exercises {

CrossEntropyResult cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index) {
  // TODO: your code here.
  throw std::logic_error("TODO: cross_entropy is not written yet");
}

}  // namespace bertlab::exercises
