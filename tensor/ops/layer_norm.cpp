// layer_norm over the last dimension (fused), as nn.LayerNorm with elementwise affine.
//
//   x̂ = (x - mean) · rstd,  rstd = 1 / sqrt(var + eps),  y = x̂ · weight + bias     per row of n
// Backward, per row (g = dy · weight):
//   dweight += dy · x̂,   dbias += dy
//   x̂ depends on x directly and through mean and var; collecting the three paths gives
//   dx = rstd · (g - mean(g) - x̂ · mean(g · x̂))
// Saved: mean and rstd per row [rows] (x̂ is recomputed from x, which saves memory).
// The row kernels hold the arithmetic: tensor/kernels/layer_norm.h.
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.LayerNorm.html
#include <algorithm>
#include <memory>
#include <vector>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/kernels/layer_norm.h"
#include "tensor/ops.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps) {
  BERT_CHECK(x.dim() >= 1, "layer_norm: expected at least one dimension, got a scalar");
  const int64_t n = x.size(-1), rows = x.numel() / std::max<int64_t>(n, 1);
  BERT_CHECK(weight.shape() == Shape{n} && bias.shape() == Shape{n},
             "layer_norm: expected weight and bias [{}] for input {}, got {} and {}", n, x.shape(), weight.shape(),
             bias.shape());
  Tensor out = Tensor::empty(x.shape());
  auto mean = std::make_shared<std::vector<float>>(rows), rstd = std::make_shared<std::vector<float>>(rows);
  detail::parallel_rows(rows, n, [&](int64_t r) {
    kernels::layer_norm_row_simd(x.data() + r * n, weight.data(), bias.data(), eps, out.data() + r * n,
                                &(*mean)[r], &(*rstd)[r], n);
  });

  return record(out, "layer_norm", {x, weight, bias}, [=](const Tensor&, const Tensor& dout) {
    const Tensor::GradBuffer dx = x.requires_grad() ? x.grad_buffer() : Tensor::GradBuffer{nullptr, false};
    float* dw = weight.requires_grad() ? weight.grad_data() : nullptr;
    float* db = bias.requires_grad() ? bias.grad_data() : nullptr;
    // dweight and dbias sum over all rows. Each block of kBlockRows rows sums into a partial
    // row of its own, on whichever core, and the partial rows are added in block order: the
    // same sums for any number of threads.
    constexpr int64_t kBlockRows = 64;
    const int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
    std::vector<float> partial(static_cast<size_t>(blocks * 2 * n), 0.0f);  // [blocks, 2, n]
    detail::parallel_rows(blocks, kBlockRows * n, [&](int64_t b) {
      float* pdw = partial.data() + b * 2 * n;
      float* pdb = pdw + n;
      for (int64_t r = b * kBlockRows; r < std::min(rows, (b + 1) * kBlockRows); ++r)
        kernels::layer_norm_row_backward_simd(x.data() + r * n, weight.data(), (*mean)[r], (*rstd)[r],
                                             dout.data() + r * n, dx.data ? dx.add_into(r * n, n) : nullptr,
                                             dw ? pdw : nullptr, db ? pdb : nullptr, n);
    });
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t j = 0; j < n; ++j) {
        if (dw) dw[j] += partial[b * 2 * n + j];
        if (db) db[j] += partial[b * 2 * n + n + j];
      }
  });
}

}  // namespace bertlab
