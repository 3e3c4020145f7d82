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
#include "tensor/ops/parallel.h"

namespace bertlab {

Tensor gelu(const Tensor& x, GeluApproximation approximate) {
  const bool exact = approximate == GeluApproximation::none;
  Tensor out = Tensor::empty(x.shape());
  const auto forward = exact ? kernels::gelu_simd : kernels::gelu_tanh_simd;
  detail::parallel_chunks(x.numel(), [&](int64_t i, int64_t n) { forward(x.data() + i, out.data() + i, n); });
  return record(out, exact ? "gelu" : "gelu_tanh", {x}, [x, exact](const Tensor&, const Tensor& dout) {
    const auto backward = exact ? kernels::gelu_backward_simd : kernels::gelu_tanh_backward_simd;
    const Tensor::GradBuffer dx = x.grad_buffer();
    detail::parallel_chunks(x.numel(), [&](int64_t i, int64_t n) {
      backward(x.data() + i, dout.data() + i, dx.add_into(i, n), n);
    });
  });
}

}  // namespace bertlab
