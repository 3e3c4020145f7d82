#include "tensor/kernels/softmax.h"  // defines: softmax_row_ref, softmax_row_backward_ref, log_sum_exp_ref

#include <cmath>
#include <limits>

namespace bertlab::kernels {

void softmax_row_ref(const float* x, const float* mask, float* y, int64_t n) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    y[i] = mask ? x[i] + mask[i] : x[i];
    max = std::max(max, y[i]);
  }
  if (max == -std::numeric_limits<float>::infinity()) {  // everything masked
    for (int64_t i = 0; i < n; ++i) y[i] = 0.0f;
    return;
  }
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    y[i] = std::exp(y[i] - max);
    sum += y[i];
  }
  const float inv = 1.0f / sum;
  for (int64_t i = 0; i < n; ++i) y[i] *= inv;
}

void softmax_row_backward_ref(const float* y, const float* dy, float* dx, int64_t n) {
  float dot = 0.0f;  // Σ_j dy[j] y[j]
  for (int64_t j = 0; j < n; ++j) dot += dy[j] * y[j];
  for (int64_t i = 0; i < n; ++i) dx[i] += y[i] * (dy[i] - dot);
}

float log_sum_exp_ref(const float* x, int64_t n) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) max = std::max(max, x[i]);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(x[i] - max);
  return max + std::log(sum);
}

}  // namespace bertlab::kernels
