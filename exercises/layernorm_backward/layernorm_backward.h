#pragma once

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::exercises {

struct LayerNormGrads {
  Tensor dx;       // [..., n]
  Tensor dweight;  // [n]
  Tensor dbias;    // [n]
};

// The gradients of y = LayerNorm(x) · weight + bias over the last dimension, given dy [..., n].
LayerNormGrads layernorm_backward(const Tensor& x, const Tensor& weight, const Tensor& dy, float eps);

}  // namespace bertlab::exercises
