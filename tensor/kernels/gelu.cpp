#include "tensor/kernels/gelu.h"  // defines: gelu_ref, gelu_backward_ref, gelu_tanh_ref, gelu_tanh_backward_ref

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

}  // namespace bertlab::kernels
