// Exercise (lab 04): LayerNorm, backward.
//
// Forward, on each row of n numbers (the hidden size):
//   mean = Σx/n,  var = Σ(x - mean)²/n,  rstd = 1/√(var + eps),  x̂ = (x - mean)·rstd,  y = x̂·weight + bias
// Given dy (the loss's gradient with respect to y), return
//   dbias[i]   = Σ over rows of dy[i]
//   dweight[i] = Σ over rows of dy[i]·x̂[i]
//   dx         = rstd · (g - mean(g) - x̂·mean(g·x̂))      with g = dy·weight, means over the row
// (the last line is the chain rule through x̂: mean and rstd depend on every x of the row).
// Shapes: x, dy, dx [..., n] (rows = x.numel() / n); weight, dweight, dbias [n].
//
// Hint: per row, recompute mean, rstd and x̂ first (in double if you like), then the two means.
// Check it: ./run exercise layernorm_backward       Answer: tensor/kernels/layer_norm.cpp › layer_norm_row_backward_ref
#include "exercises/layernorm_backward/layernorm_backward.h"

#include <cmath>
#include <stdexcept>

namespace bertlab::exercises {

LayerNormGrads layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& dy, float eps) {
  // TODO: your code here.
  throw std::logic_error("TODO: layernorm_backward is not written yet");
}

}  // namespace bertlab::exercises
