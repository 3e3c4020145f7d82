// LayerNorm kernels over one row of n floats (the hidden dimension).
//
// Forward:  mean = Σx/n,  var = Σ(x - mean)²/n (biased),  rstd = 1/sqrt(var + eps),
//           x̂ = (x - mean)·rstd,  y = x̂·w + b.      Saves mean and rstd for backward.
// Example: x = [1, 3], w = [1, 1], b = [0, 0], eps = 0 -> mean 2, rstd 1, y = [-1, 1].
//
// Backward (accumulating; any of dx, dw, db may be null):
//   dw += dy·x̂,  db += dy,  and with g = dy·w:
//   dx += rstd · (g - mean(g) - x̂·mean(g·x̂))
#pragma once

#include <cstdint>

namespace bertlab::kernels {

void layer_norm_row_ref(const float* x, const float* w, const float* b, float eps, float* y,
                        float* mean, float* rstd, int64_t n);
void layer_norm_row_backward_ref(const float* x, const float* w, float mean, float rstd,
                                 const float* dy, float* dx, float* dw, float* db, int64_t n);

void layer_norm_row_simd(const float* x, const float* w, const float* b, float eps, float* y,
                         float* mean, float* rstd, int64_t n);
void layer_norm_row_backward_simd(const float* x, const float* w, float mean, float rstd,
                                  const float* dy, float* dx, float* dw, float* db, int64_t n);

}  // namespace bertlab::kernels
