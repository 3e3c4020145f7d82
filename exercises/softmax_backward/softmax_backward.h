#pragma once

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::exercises {

// The gradient of y = softmax(x) over the last dimension: y, dy [..., n] -> dx [..., n].
Tensor softmax_backward(const Tensor& y, const Tensor& dy);

}  // namespace bertlab::exercises
