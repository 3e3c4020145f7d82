// GELU kernels, elementwise over n floats.
//
// Exact (HF "gelu"):   y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))
//                      dy/dx = Φ(x) + x·φ(x),  φ(x) = exp(-x²/2)/√(2π)
// Tanh approximation (HF "gelu_new"):  y = 0.5·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//                      dy/dx = 0.5·(1 + t) + 0.5·x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²), t = tanh(u)
// Example: gelu(0) = 0, gelu'(0) = 0.5.  Backward accumulates: dx += dy·dy/dx.
// The _simd twins use xsimd's vectorized erf, exp and tanh (within 3 ulp of the C library's).
#pragma once

#include <cstdint>

namespace bertlab::kernels {

void gelu_ref(const float* x, float* y, int64_t n);
void gelu_backward_ref(const float* x, const float* dy, float* dx, int64_t n);
void gelu_tanh_ref(const float* x, float* y, int64_t n);
void gelu_tanh_backward_ref(const float* x, const float* dy, float* dx, int64_t n);

void gelu_simd(const float* x, float* y, int64_t n);
void gelu_backward_simd(const float* x, const float* dy, float* dx, int64_t n);
void gelu_tanh_simd(const float* x, float* y, int64_t n);
void gelu_tanh_backward_simd(const float* x, const float* dy, float* dx, int64_t n);

}  // namespace bertlab::kernels
