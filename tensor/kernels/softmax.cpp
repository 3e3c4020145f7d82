#include "tensor/kernels/softmax.h"  // defines: softmax_row*, log_sum_exp (_ref, _simd)

#include "tensor/kernels/elementwise.h"  // defines: add_simd, scale_simd, dot_simd
#include "tensor/kernels/simd.h"         // defines: Batch, hsum, hmax

#include <algorithm>
#include <cmath>
#include <limits>

namespace bertlab::kernels {

namespace {
// A row with no finite maximum holds only -inf and NaN (max() skips NaN: NaN < m is false).
// Any NaN makes the whole row NaN, as in PyTorch; a row of -inf only (fully masked) becomes
// zeros (see softmax.h). `row` may be `y` itself.
void fill_row_without_max(const float* row, float* y, int64_t n) {
  const bool has_nan = std::any_of(row, row + n, [](float v) { return std::isnan(v); });
  std::fill_n(y, n, has_nan ? std::numeric_limits<float>::quiet_NaN() : 0.0f);
}
}  // namespace

void softmax_row_ref(const float* x, const float* mask, float* y, int64_t n) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    y[i] = mask ? x[i] + mask[i] : x[i];
    max = std::max(max, y[i]);
  }
  if (max == -std::numeric_limits<float>::infinity()) {  // every entry -inf or NaN
    fill_row_without_max(y, y, n);
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

// ===== SIMD =====

namespace {

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

float max_simd(const float* x, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  Batch acc(kMinusInf);  // Batch::size running maxima
  for (int64_t i = 0; i < n_vec; i += Batch::size)
    acc = xsimd::max(acc, Batch::load_unaligned(x + i));
  float max = n_vec > 0 ? hmax(acc) : kMinusInf;
  for (int64_t i = n_vec; i < n; ++i) max = std::max(max, x[i]);
  return max;
}

// Σ_i exp(x[i] - max); also stores each exp(x[i] - max) in y when y is not null.
float sum_exp_simd(const float* x, float max, float* y, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  Batch acc(0.0f);
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch e = xsimd::exp(Batch::load_unaligned(x + i) - max);
    if (y) e.store_unaligned(y + i);
    acc += e;
  }
  float sum = hsum(acc);
  for (int64_t i = n_vec; i < n; ++i) {
    const float e = std::exp(x[i] - max);
    if (y) y[i] = e;
    sum += e;
  }
  return sum;
}

}  // namespace

// Three passes over the row, as in the reference: mask and max, exp and sum, normalize.
void softmax_row_simd(const float* x, const float* mask, float* y, int64_t n) {
  if (mask) {
    add_simd(x, mask, y, n);  // y = x + m
    x = y;
  }
  const float max = max_simd(x, n);
  if (max == kMinusInf) {  // every entry -inf or NaN
    fill_row_without_max(x, y, n);
    return;
  }
  const float sum = sum_exp_simd(x, max, y, n);
  scale_simd(1.0f / sum, y, y, n);
}

void softmax_row_backward_simd(const float* y, const float* dy, float* dx, int64_t n) {
  const float dot = dot_simd(dy, y, n);  // Σ_j dy[j] y[j]
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch yv = Batch::load_unaligned(y + i);
    const Batch grad = yv * (Batch::load_unaligned(dy + i) - dot);
    (Batch::load_unaligned(dx + i) + grad).store_unaligned(dx + i);
  }
  for (int64_t i = n_vec; i < n; ++i) dx[i] += y[i] * (dy[i] - dot);
}

float log_sum_exp_simd(const float* x, int64_t n) {
  const float max = max_simd(x, n);
  return max + std::log(sum_exp_simd(x, max, nullptr, n));
}

}  // namespace bertlab::kernels
