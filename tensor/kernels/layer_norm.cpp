#include "tensor/kernels/layer_norm.h"  // defines: layer_norm_row_ref, layer_norm_row_backward_ref

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

void layer_norm_row_backward_ref(const float* x, const float* w, float mean, float rstd,
                                 const float* dy, float* dx, float* dw, float* db, int64_t n) {
  float g_mean = 0.0f, gx_mean = 0.0f;  // mean(g) and mean(g·x̂), g = dy·w
  for (int64_t i = 0; i < n; ++i) {
    const float xhat = (x[i] - mean) * rstd;
    const float g = dy[i] * w[i];
    g_mean += g;
    gx_mean += g * xhat;
    if (dw) dw[i] += dy[i] * xhat;
    if (db) db[i] += dy[i];
  }
  g_mean /= static_cast<float>(n);
  gx_mean /= static_cast<float>(n);
  if (!dx) return;
  for (int64_t i = 0; i < n; ++i) {
    const float xhat = (x[i] - mean) * rstd;
    dx[i] += rstd * (dy[i] * w[i] - g_mean - xhat * gx_mean);
  }
}

}  // namespace bertlab::kernels
