// softmax over the last dimension, with an optional additive mask (fused).
//
//   y = softmax(x + mask),  y[i] = exp(x[i] + m[i]) / Σ_j exp(x[j] + m[j])   per row of n
// Backward: ∂y[j]/∂x[i] = y[j] (δij - y[i]), so
//   dx[i] += Σ_j dy[j] y[j] (δij - y[i]) = y[i] (dy[i] - Σ_j dy[j] y[j]).
// Only y is needed (it is the op's output); the mask is a constant (no gradient).
// Attention uses it with scores [B, N, S, S] and mask [B, 1, 1, S]: 0 keeps a key, -inf drops it,
// so padded keys get probability exactly 0. A NaN in a row makes the row NaN, as in PyTorch; a
// row with every key dropped is zeros (where HF's finite mask gives 1/S: kernels/softmax.h).
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.Softmax.html
#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/kernels/softmax.h"
#include "tensor/ops.h"
#include "tensor/ops/broadcast.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

Tensor softmax(const Tensor& x, const Tensor& mask) {
  BERT_CHECK(x.dim() >= 1, "softmax: expected at least one dimension, got a scalar");
  const int64_t n = x.size(-1), rows = x.numel() / std::max<int64_t>(n, 1);
  if (mask.defined()) {
    BERT_CHECK(mask.dim() >= 1 && mask.size(-1) == n && broadcast_shapes(mask.shape(), x.shape(), "softmax") == x.shape(),
               "softmax: expected a mask that broadcasts to {} with last dimension {}, got {}", x.shape(), n,
               mask.shape());
  }
  Tensor out = Tensor::empty(x.shape());
  // The mask row used by row r is the one holding the mask element of x's element r * n.
  const detail::BroadcastIndex mask_index(mask.defined() ? mask.shape() : x.shape(), x.shape());
  detail::parallel_rows(rows, n, [&](int64_t r) {
    const float* m = mask.defined() ? mask.data() + mask_index(r * n) : nullptr;
    kernels::softmax_row_simd(x.data() + r * n, m, out.data() + r * n, n);
  });
  return record(out, "softmax", {x}, [x, n, rows](const Tensor& out, const Tensor& dout) {
    const Tensor::GradBuffer dx = x.grad_buffer();
    detail::parallel_rows(rows, n, [&](int64_t r) {
      kernels::softmax_row_backward_simd(out.data() + r * n, dout.data() + r * n, dx.add_into(r * n, n), n);
    });
  });
}

}  // namespace bertlab
