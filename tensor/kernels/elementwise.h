// Elementwise kernels over n floats, the loops the ops (add, mul, optimizer steps, ...) run.
//
//   add:   out[i] = a[i] + b[i]        mul:   out[i] = a[i] · b[i]
//   axpy:  y[i] += alpha · x[i]        scale: out[i] = alpha · x[i]   (out may be x)
//   dot:   Σ a[i] · b[i]               sum:   Σ x[i]
// Example: axpy(2, [1, 2], y = [10, 10]) -> y = [12, 14];  dot([1, 2], [3, 4]) = 11.
//
// Each has a scalar _ref and a _simd twin tested against it. The _simd sums add in a
// different order (Batch::size partial sums), so they differ from _ref by rounding only.
#pragma once

#include <cstdint>

namespace bertlab::kernels {

void add_ref(const float* a, const float* b, float* out, int64_t n);
void add_simd(const float* a, const float* b, float* out, int64_t n);
void mul_ref(const float* a, const float* b, float* out, int64_t n);
void mul_simd(const float* a, const float* b, float* out, int64_t n);
void axpy_ref(float alpha, const float* x, float* y, int64_t n);
void axpy_simd(float alpha, const float* x, float* y, int64_t n);
void scale_ref(float alpha, const float* x, float* out, int64_t n);
void scale_simd(float alpha, const float* x, float* out, int64_t n);
float dot_ref(const float* a, const float* b, int64_t n);
float dot_simd(const float* a, const float* b, int64_t n);
float sum_ref(const float* x, int64_t n);
float sum_simd(const float* x, int64_t n);

}  // namespace bertlab::kernels
