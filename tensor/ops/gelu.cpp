// gelu (fused): the activation of BERT's feed-forward block.
//
//   exact ("gelu"):      y = x · Φ(x),  dy/dx = Φ(x) + x · φ(x)      (Φ, φ: normal CDF, PDF)
//   tanh ("gelu_new"):   y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))   (the original TF BERT's)
// Backward: dx += dout · dy/dx, computed from the saved input x.
// The formulas and their derivatives are written out in tensor/kernels/gelu.h.
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.GELU.html
#include "tensor/autograd.h"
#include "tensor/kernels/gelu.h"
#include "tensor/ops.h"

namespace bertlab {

Tensor gelu(const Tensor& x, GeluApproximation approximate) {
  const bool exact = approximate == GeluApproximation::none;
  Tensor out = Tensor::empty(x.shape());
  (exact ? kernels::gelu_simd : kernels::gelu_tanh_simd)(x.data(), out.data(), x.numel());
  return record(out, exact ? "gelu" : "gelu_tanh", {x}, [x, exact](const Tensor&, const Tensor& dout) {
    (exact ? kernels::gelu_backward_simd : kernels::gelu_tanh_backward_simd)(x.data(), dout.data(), x.grad_data(),
                                                                            x.numel());
  });
}

}  // namespace bertlab
