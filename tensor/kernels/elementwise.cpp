#include "tensor/kernels/elementwise.h"  // defines: add, mul, axpy, scale, dot, sum (_ref, _simd)

#include "tensor/kernels/simd.h"  // defines: Batch, hsum

namespace bertlab::kernels {

// ===== Scalar references =====

void add_ref(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void mul_ref(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void axpy_ref(float alpha, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void scale_ref(float alpha, const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = alpha * x[i];
}

float dot_ref(const float* a, const float* b, int64_t n) {
  float acc = 0.0f;
  for (int64_t i = 0; i < n; ++i) acc += a[i] * b[i];
  return acc;
}

float sum_ref(const float* x, int64_t n) {
  float acc = 0.0f;
  for (int64_t i = 0; i < n; ++i) acc += x[i];
  return acc;
}

// ===== SIMD =====
// The xsimd idiom: the first n_vec = n - n % Batch::size elements in whole batches, then
// the scalar _ref on the few that are left.

namespace {

// out[i] = f(a[i], b[i]) for a lambda f written once for Batch (the scalar tail is the _ref).
template <class F>
int64_t map_batches(const float* a, const float* b, float* out, int64_t n, F f) {
  const int64_t n_vec = n - n % Batch::size;
  for (int64_t i = 0; i < n_vec; i += Batch::size)
    f(Batch::load_unaligned(a + i), Batch::load_unaligned(b + i)).store_unaligned(out + i);
  return n_vec;
}

}  // namespace

void add_simd(const float* a, const float* b, float* out, int64_t n) {
  const int64_t n_vec = map_batches(a, b, out, n, [](Batch x, Batch y) { return x + y; });
  add_ref(a + n_vec, b + n_vec, out + n_vec, n - n_vec);
}

void mul_simd(const float* a, const float* b, float* out, int64_t n) {
  const int64_t n_vec = map_batches(a, b, out, n, [](Batch x, Batch y) { return x * y; });
  mul_ref(a + n_vec, b + n_vec, out + n_vec, n - n_vec);
}

void axpy_simd(float alpha, const float* x, float* y, int64_t n) {
  const Batch va(alpha);
  const int64_t n_vec =
      map_batches(x, y, y, n, [va](Batch xv, Batch yv) { return fmadd(va, xv, yv); });
  axpy_ref(alpha, x + n_vec, y + n_vec, n - n_vec);
}

void scale_simd(float alpha, const float* x, float* out, int64_t n) {
  const Batch va(alpha);
  const int64_t n_vec = map_batches(x, x, out, n, [va](Batch xv, Batch) { return va * xv; });
  scale_ref(alpha, x + n_vec, out + n_vec, n - n_vec);
}

float dot_simd(const float* a, const float* b, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  Batch acc(0.0f);  // Batch::size partial sums, added together at the end
  for (int64_t i = 0; i < n_vec; i += Batch::size)
    acc = fmadd(Batch::load_unaligned(a + i), Batch::load_unaligned(b + i), acc);
  return hsum(acc) + dot_ref(a + n_vec, b + n_vec, n - n_vec);
}

float sum_simd(const float* x, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  Batch acc(0.0f);
  for (int64_t i = 0; i < n_vec; i += Batch::size) acc += Batch::load_unaligned(x + i);
  return hsum(acc) + sum_ref(x + n_vec, n - n_vec);
}

}  // namespace bertlab::kernels
