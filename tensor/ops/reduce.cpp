// Reductions: sum and mean, over everything or over one dimension.
//
// View x as [outer, n, inner] around the reduced dimension (n = its size):
//   out[o, i] = Σ_k x[o, k, i]   so   dx[o, k, i] += dout[o, i]   (each x feeds one sum once).
// mean is sum scaled by 1/n, a composite with no backward of its own.
#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab {

// ---- sum over all elements: out = Σ x;  dx[i] += dout -------------------------------------
Tensor sum(const Tensor& x) {
  double total = 0.0;  // double: a long sum of floats loses digits otherwise
  for (int64_t i = 0, end = x.numel(); i < end; ++i) total += x.data()[i];
  Tensor out = Tensor::scalar(static_cast<float>(total));
  return record(out, "sum", {x}, [x](const Tensor&, const Tensor& dout) {
    const float g = dout.item();
    float* dx = x.grad_data();
    for (int64_t i = 0, end = x.numel(); i < end; ++i) dx[i] += g;
  });
}

// ---- sum over one dimension ---------------------------------------------------------------
Tensor sum(const Tensor& x, int64_t dim, bool keepdim) {
  dim = normalize_dim(dim, x.dim(), "sum");
  const int64_t n = x.size(dim);
  const int64_t inner = numel(Shape(x.shape().begin() + dim + 1, x.shape().end()));
  const int64_t outer = x.numel() / std::max<int64_t>(n * inner, 1);
  Shape out_shape = x.shape();
  if (keepdim) out_shape[dim] = 1; else out_shape.erase(out_shape.begin() + dim);

  Tensor out = Tensor::zeros(out_shape);  // [outer, inner]
  const float* px = x.data();
  float* po = out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k)
      for (int64_t i = 0; i < inner; ++i) po[o * inner + i] += px[(o * n + k) * inner + i];

  return record(out, "sum", {x}, [x, n, inner, outer](const Tensor&, const Tensor& dout) {
    const float* g = dout.data();
    float* dx = x.grad_data();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < n; ++k)
        for (int64_t i = 0; i < inner; ++i) dx[(o * n + k) * inner + i] += g[o * inner + i];
  });
}

// ---- mean = sum / count (composite) ---------------------------------------------------------
Tensor mean(const Tensor& x) {
  BERT_CHECK(x.numel() > 0, "mean: expected a non-empty tensor, got shape {}", x.shape());
  return scale(sum(x), 1.0f / static_cast<float>(x.numel()));
}

Tensor mean(const Tensor& x, int64_t dim, bool keepdim) {
  const int64_t n = x.size(dim);
  return scale(sum(x, dim, keepdim), 1.0f / static_cast<float>(n));
}

}  // namespace bertlab
