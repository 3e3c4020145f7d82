#include "tensor/kernels/gelu.h"  // defines: gelu*_ref, gelu*_simd

#include "tensor/kernels/simd.h"  // defines: Batch

#include <cmath>
#include <numbers>

namespace bertlab::kernels {

namespace {
constexpr float kInvSqrt2 = static_cast<float>(1.0 / std::numbers::sqrt2);
constexpr float kInvSqrt2Pi = static_cast<float>(1.0 / (std::numbers::sqrt2 * 1.7724538509055160273));  // 1/√(2π)
constexpr float kSqrt2OverPi = static_cast<float>(std::numbers::sqrt2 / 1.7724538509055160273);    // √(2/π)
constexpr float kCoef = 0.044715f;
}  // namespace

void gelu_ref(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}

void gelu_backward_ref(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float cdf = 0.5f * (1.0f + std::erf(x[i] * kInvSqrt2));  // Φ(x)
    const float pdf = std::exp(-0.5f * x[i] * x[i]) * kInvSqrt2Pi;  // φ(x)
    dx[i] += dy[i] * (cdf + x[i] * pdf);
  }
}

void gelu_tanh_ref(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float u = kSqrt2OverPi * (x[i] + kCoef * x[i] * x[i] * x[i]);
    y[i] = 0.5f * x[i] * (1.0f + std::tanh(u));
  }
}

void gelu_tanh_backward_ref(const float* x, const float* dy, float* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float x2 = x[i] * x[i];
    const float t = std::tanh(kSqrt2OverPi * (x[i] + kCoef * x2 * x[i]));
    const float du = kSqrt2OverPi * (1.0f + 3.0f * kCoef * x2);
    dx[i] += dy[i] * (0.5f * (1.0f + t) + 0.5f * x[i] * (1.0f - t * t) * du);
  }
}

// ===== SIMD: the same formulas on Batch::size floats at a time =====
// Each loop covers n_vec = n - n % Batch::size elements; the _ref finishes the tail.

void gelu_simd(const float* x, float* y, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i);
    (0.5f * v * (1.0f + xsimd::erf(v * kInvSqrt2))).store_unaligned(y + i);
  }
  gelu_ref(x + n_vec, y + n_vec, n - n_vec);
}

void gelu_backward_simd(const float* x, const float* dy, float* dx, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i);
    const Batch cdf = 0.5f * (1.0f + xsimd::erf(v * kInvSqrt2));    // Φ(x)
    const Batch pdf = xsimd::exp(-0.5f * v * v) * kInvSqrt2Pi;       // φ(x)
    const Batch grad = Batch::load_unaligned(dy + i) * (cdf + v * pdf);
    (Batch::load_unaligned(dx + i) + grad).store_unaligned(dx + i);  // dx += dy·gelu'(x)
  }
  gelu_backward_ref(x + n_vec, dy + n_vec, dx + n_vec, n - n_vec);
}

void gelu_tanh_simd(const float* x, float* y, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i);
    const Batch u = kSqrt2OverPi * (v + kCoef * v * v * v);
    (0.5f * v * (1.0f + xsimd::tanh(u))).store_unaligned(y + i);
  }
  gelu_tanh_ref(x + n_vec, y + n_vec, n - n_vec);
}

void gelu_tanh_backward_simd(const float* x, const float* dy, float* dx, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i), v2 = v * v;
    const Batch t = xsimd::tanh(kSqrt2OverPi * (v + kCoef * v2 * v));
    const Batch du = kSqrt2OverPi * (1.0f + 3.0f * kCoef * v2);
    const Batch local = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du;
    (Batch::load_unaligned(dx + i) + Batch::load_unaligned(dy + i) * local).store_unaligned(dx + i);
  }
  gelu_tanh_backward_ref(x + n_vec, dy + n_vec, dx + n_vec, n - n_vec);
}

}  // namespace bertlab::kernels
