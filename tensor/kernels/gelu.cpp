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

namespace {
// erf(z) by Abramowitz & Stegun 7.1.26 (after Hastings): for z >= 0
//   erf(z) ≈ 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·exp(−z²),   t = 1 / (1 + p·z),
// within 1.5e-7, and erf(−z) = −erf(z): one exp and one division (PyTorch's vectorized erf uses
// this same formula). xsimd::erf has two approximations, one polynomial for |z| < 2/3 and one
// with exp and a division beyond; a Batch with lanes on both sides pays for both. So a Batch
// that is all small takes xsimd's polynomial, and any other this formula.
// exp_neg_z2 = exp(−z²) is an argument because GELU's backward needs it as well.
Batch erf_with(const Batch& z, const Batch& exp_neg_z2) {
  if (xsimd::all(xsimd::abs(z) < Batch(2.0f / 3.0f))) return xsimd::erf(z);
  const Batch t = 1.0f / fmadd(Batch(0.3275911f), xsimd::abs(z), Batch(1.0f));
  Batch poly = fmadd(Batch(1.061405429f), t, Batch(-1.453152027f));
  poly = fmadd(poly, t, Batch(1.421413741f));
  poly = fmadd(poly, t, Batch(-0.284496736f));
  poly = fmadd(poly, t, Batch(0.254829592f));
  return xsimd::copysign(1.0f - poly * t * exp_neg_z2, z);
}
}  // namespace

void gelu_simd(const float* x, float* y, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i), z = v * kInvSqrt2;
    (0.5f * v * (1.0f + erf_with(z, xsimd::exp(-z * z)))).store_unaligned(y + i);
  }
  gelu_ref(x + n_vec, y + n_vec, n - n_vec);
}

void gelu_backward_simd(const float* x, const float* dy, float* dx, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch v = Batch::load_unaligned(x + i), z = v * kInvSqrt2;
    const Batch e = xsimd::exp(-z * z);                        // exp(−x²/2)
    const Batch cdf = 0.5f * (1.0f + erf_with(z, e));          // Φ(x)
    const Batch pdf = e * kInvSqrt2Pi;                         // φ(x)
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
