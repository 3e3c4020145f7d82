#include "tensor/kernels/layer_norm.h"  // defines: layer_norm_row*_ref, *_simd

#include "tensor/kernels/elementwise.h"  // defines: sum_simd
#include "tensor/kernels/simd.h"         // defines: Batch, hsum

#include <cmath>

namespace bertlab::kernels {

void layer_norm_row_ref(const float* x, const float* w, const float* b, float eps, float* y,
                        float* mean, float* rstd, int64_t n) {
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  const float m = sum / static_cast<float>(n);
  float sq = 0.0f;  // two passes: Σ(x - mean)² is exact where Σx² - n·mean² would cancel
  for (int64_t i = 0; i < n; ++i) sq += (x[i] - m) * (x[i] - m);
  const float r = 1.0f / std::sqrt(sq / static_cast<float>(n) + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * r * w[i] + b[i];
  *mean = m;
  *rstd = r;
}

namespace {

// Backward's first pass over elements [begin, n): adds Σg and Σg·x̂ (g = dy·w) to *g_sum and
// *gx_sum, and dy·x̂ to dw, dy to db. The simd version runs it on its tail.
void backward_sums_ref(const float* x, const float* w, float mean, float rstd, const float* dy,
                       float* dw, float* db, int64_t begin, int64_t n, float* g_sum,
                       float* gx_sum) {
  for (int64_t i = begin; i < n; ++i) {
    const float xhat = (x[i] - mean) * rstd;
    const float g = dy[i] * w[i];
    *g_sum += g;
    *gx_sum += g * xhat;
    if (dw) dw[i] += dy[i] * xhat;
    if (db) db[i] += dy[i];
  }
}

}  // namespace

void layer_norm_row_backward_ref(const float* x, const float* w, float mean, float rstd,
                                 const float* dy, float* dx, float* dw, float* db, int64_t n) {
  float g_mean = 0.0f, gx_mean = 0.0f;  // mean(g) and mean(g·x̂), g = dy·w
  backward_sums_ref(x, w, mean, rstd, dy, dw, db, 0, n, &g_mean, &gx_mean);
  g_mean /= static_cast<float>(n);
  gx_mean /= static_cast<float>(n);
  if (!dx) return;
  for (int64_t i = 0; i < n; ++i) {
    const float xhat = (x[i] - mean) * rstd;
    dx[i] += rstd * (dy[i] * w[i] - g_mean - xhat * gx_mean);
  }
}

// ===== SIMD: the same passes, Batch::size floats at a time, then a scalar tail =====

void layer_norm_row_simd(const float* x, const float* w, const float* b, float eps, float* y,
                         float* mean, float* rstd, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  const float m = sum_simd(x, n) / static_cast<float>(n);
  Batch sq_acc(0.0f);  // Σ(x - mean)²
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch d = Batch::load_unaligned(x + i) - m;
    sq_acc = fmadd(d, d, sq_acc);
  }
  float sq = hsum(sq_acc);
  for (int64_t i = n_vec; i < n; ++i) sq += (x[i] - m) * (x[i] - m);
  const float r = 1.0f / std::sqrt(sq / static_cast<float>(n) + eps);
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch xhat = (Batch::load_unaligned(x + i) - m) * r;
    const Batch yv = fmadd(xhat, Batch::load_unaligned(w + i), Batch::load_unaligned(b + i));
    yv.store_unaligned(y + i);
  }
  for (int64_t i = n_vec; i < n; ++i) y[i] = (x[i] - m) * r * w[i] + b[i];
  *mean = m;
  *rstd = r;
}

void layer_norm_row_backward_simd(const float* x, const float* w, float mean, float rstd,
                                  const float* dy, float* dx, float* dw, float* db, int64_t n) {
  const int64_t n_vec = n - n % Batch::size;
  Batch g_acc(0.0f), gx_acc(0.0f);  // Σg and Σg·x̂, g = dy·w
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch xhat = (Batch::load_unaligned(x + i) - mean) * rstd;
    const Batch dyv = Batch::load_unaligned(dy + i), g = dyv * Batch::load_unaligned(w + i);
    g_acc += g;
    gx_acc = fmadd(g, xhat, gx_acc);
    if (dw) fmadd(dyv, xhat, Batch::load_unaligned(dw + i)).store_unaligned(dw + i);
    if (db) (Batch::load_unaligned(db + i) + dyv).store_unaligned(db + i);
  }
  float g_mean = hsum(g_acc), gx_mean = hsum(gx_acc);
  backward_sums_ref(x, w, mean, rstd, dy, dw, db, n_vec, n, &g_mean, &gx_mean);  // the tail
  g_mean /= static_cast<float>(n);
  gx_mean /= static_cast<float>(n);
  if (!dx) return;
  for (int64_t i = 0; i < n_vec; i += Batch::size) {
    const Batch xhat = (Batch::load_unaligned(x + i) - mean) * rstd;
    const Batch g = Batch::load_unaligned(dy + i) * Batch::load_unaligned(w + i);
    const Batch dxv = Batch::load_unaligned(dx + i);
    fmadd(Batch(rstd), g - g_mean - xhat * gx_mean, dxv).store_unaligned(dx + i);
  }
  for (int64_t i = n_vec; i < n; ++i)
    dx[i] += rstd * (dy[i] * w[i] - g_mean - (x[i] - mean) * rstd * gx_mean);
}

}  // namespace bertlab::kernels
