// Exercise (lab 04): softmax, backward.
//
// Forward was y = softmax(x) over the last dimension (each row of n numbers). Given y and the
// gradient of the loss with respect to y, dy, return the gradient with respect to x, dx:
//   ∂y[j]/∂x[i] = y[j] (δij - y[i])   so   dx[i] = Σ_j dy[j] y[j] (δij - y[i]) = y[i] (dy[i] - Σ_j dy[j] y[j])
// Shapes: y, dy, dx [..., n]: rows = y.numel() / n rows, each on its own.
//   y = [0.25, 0.75], dy = [1, 0]  ->  Σ dy·y = 0.25, dx = [0.25 · 0.75, 0.75 · -0.25] = [0.1875, -0.1875]
//
// Hint: Tensor::zeros(y.shape()); for each row, first the dot product Σ_j dy[j] y[j], then dx.
// Check it: ./run exercise softmax_backward       Answer: tensor/kernels/softmax.cpp › softmax_row_backward_ref
#include "exercises/softmax_backward/softmax_backward.h"

#include <stdexcept>

namespace bertlab::exercises {

Tensor softmax_backward(const Tensor& y, const Tensor& dy) {
  // TODO: your code here.
  throw std::logic_error("TODO: softmax_backward is not written yet");
}

}  // namespace bertlab::exercises
