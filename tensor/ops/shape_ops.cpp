// Shape ops: reshape (shares storage), and transpose / permute / slice (copy).
//
// Every tensor here is contiguous, so a layout change copies. Their gradients move numbers back:
//   reshape:  dx = dout reshaped to x's shape
//   permute:  dx = dout permuted by the inverse permutation
//   slice:    dx[.., start:end, ..] += dout   (zero elsewhere)
#include <algorithm>
#include <numeric>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

// ---- reshape ------------------------------------------------------------------------------
Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape target = shape;
  int64_t known = 1, infer = -1;
  for (size_t d = 0; d < target.size(); ++d) {
    if (target[d] == -1) {
      BERT_CHECK(infer < 0, "reshape: only one dimension can be -1, got {}", shape);
      infer = static_cast<int64_t>(d);
    } else {
      known *= target[d];
    }
  }
  if (infer >= 0 && known > 0) target[infer] = x.numel() / known;
  BERT_CHECK(numel(target) == x.numel(), "reshape: element count differs: expected {} elements for {}, got {} in {}",
             numel(target), shape, x.numel(), x.shape());
  Tensor out = Tensor::from_blob(x.impl()->data, target);  // same storage, new shape
  return record(out, "reshape", {x}, [x](const Tensor&, const Tensor& dout) {
    const float* g = dout.data();
    const Tensor::GradBuffer dx = x.grad_buffer();  // fresh: a copy, without zero-filling it first
    detail::parallel_chunks(x.numel(), [&](int64_t begin, int64_t count) {  // same element order
      if (dx.fresh) {
        std::copy_n(g + begin, count, dx.data + begin);
      } else {
        for (int64_t i = begin; i < begin + count; ++i) dx.data[i] += g[i];
      }
    });
  });
}

// ---- permute ------------------------------------------------------------------------------
namespace {

// dst[j] = src[the element that permutation `dims` moves to position j], for x of shape src_shape.
// dst is written row by row (its last dimension); a row reads src with one stride, 1 when the
// last dimension stays last, as in split_heads' [B, S, nh, hd] -> [B, nh, S, hd].
void permute_copy(const float* src, const Shape& src_shape, const Shape& dims, float* dst, bool accumulate) {
  const Shape src_strides = contiguous_strides(src_shape);
  const size_t rank = dims.size();
  Shape out_shape(rank), strides(rank);  // strides: src stride for each out dim
  for (size_t d = 0; d < rank; ++d) {
    out_shape[d] = src_shape[dims[d]];
    strides[d] = src_strides[dims[d]];
  }
  const int64_t n = numel(src_shape), row = rank == 0 ? 1 : out_shape[rank - 1];
  const int64_t step = rank == 0 ? 1 : strides[rank - 1];
  if (n == 0) return;
  detail::parallel_rows(n / row, row, [&](int64_t r) {
    int64_t rest = r, offset = 0;  // where row r starts in src: peel its index over the outer dims
    for (size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
      offset += (rest % out_shape[d]) * strides[d];
      rest /= out_shape[d];
    }
    const float* s = src + offset;
    float* o = dst + r * row;
    for (int64_t k = 0; k < row; ++k) o[k] = accumulate ? o[k] + s[k * step] : s[k * step];
  });
}

}  // namespace

Tensor permute(const Tensor& x, const Shape& dims) {
  BERT_CHECK(static_cast<int64_t>(dims.size()) == x.dim(),
             "permute: expected {} dimensions in the permutation, got {}", x.dim(), dims);
  Shape normalized(dims.size()), inverse(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t d = 0; d < dims.size(); ++d) {
    normalized[d] = normalize_dim(dims[d], x.dim(), "permute");
    BERT_CHECK(!seen[normalized[d]], "permute: repeated dimension in {}", dims);
    seen[normalized[d]] = true;
    inverse[normalized[d]] = static_cast<int64_t>(d);
  }
  Shape out_shape(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) out_shape[d] = x.shape()[normalized[d]];
  Tensor out = Tensor::empty(out_shape);
  permute_copy(x.data(), x.shape(), normalized, out.data(), false);
  return record(out, "permute", {x}, [x, inverse](const Tensor& out, const Tensor& dout) {
    const Tensor::GradBuffer dx = x.grad_buffer();  // fresh: written, not zero-filled and added to
    permute_copy(dout.data(), out.shape(), inverse, dx.data, !dx.fresh);
  });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  Shape dims(x.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(dim0, x.dim(), "transpose")], dims[normalize_dim(dim1, x.dim(), "transpose")]);
  return permute(x, dims);
}

// ---- slice: moves blocks of [outer, n, inner] along one dimension -----------------------------
namespace {

struct Blocks {
  int64_t outer, inner;  // x viewed as [outer, size(dim), inner]
};

Blocks blocks_around(const Shape& shape, int64_t dim) {
  const int64_t inner = numel(Shape(shape.begin() + dim + 1, shape.end()));
  return {numel(Shape(shape.begin(), shape.begin() + dim)), inner};
}

// For each outer index: dst[o, dst_start : dst_start + len, :] (+)= src[o, src_start : .., :].
void copy_blocks(const float* src, int64_t src_n, int64_t src_start, float* dst, int64_t dst_n,
                 int64_t dst_start, int64_t len, Blocks b, bool accumulate) {
  for (int64_t o = 0; o < b.outer; ++o) {
    const float* s = src + (o * src_n + src_start) * b.inner;
    float* d = dst + (o * dst_n + dst_start) * b.inner;
    for (int64_t i = 0; i < len * b.inner; ++i) d[i] = accumulate ? d[i] + s[i] : s[i];
  }
}

}  // namespace

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end) {
  dim = normalize_dim(dim, x.dim(), "slice");
  const int64_t n = x.size(dim);
  BERT_CHECK(0 <= start && start <= end && end <= n,
             "slice: range out of bounds: expected 0 <= start <= end <= {} along dimension {} of {}, got {}:{}",
             n, dim, x.shape(), start, end);
  Shape out_shape = x.shape();
  out_shape[dim] = end - start;
  Tensor out = Tensor::empty(out_shape);
  const Blocks b = blocks_around(x.shape(), dim);
  copy_blocks(x.data(), n, start, out.data(), end - start, 0, end - start, b, false);
  return record(out, "slice", {x}, [x, n, start, end, b](const Tensor&, const Tensor& dout) {
    copy_blocks(dout.data(), end - start, 0, x.grad_data(), n, start, end - start, b, true);
  });
}

// ---- attention heads (composites) -----------------------------------------------------------
// HF: x.view(B, S, N, D).permute(0, 2, 1, 3)
Tensor split_heads(const Tensor& x, int64_t num_heads) {
  BERT_CHECK(x.dim() == 3 && x.size(2) % num_heads == 0,
             "split_heads: expected [B, S, H] with H divisible by {} heads, got {}", num_heads, x.shape());
  const int64_t B = x.size(0), S = x.size(1), D = x.size(2) / num_heads;
  return permute(reshape(x, {B, S, num_heads, D}), {0, 2, 1, 3});  // [B, N, S, D]
}

// HF: x.permute(0, 2, 1, 3).contiguous().view(B, S, H)
Tensor merge_heads(const Tensor& x) {
  BERT_CHECK(x.dim() == 4, "merge_heads: expected [B, N, S, D], got {}", x.shape());
  const int64_t B = x.size(0), N = x.size(1), S = x.size(2), D = x.size(3);
  return reshape(permute(x, {0, 2, 1, 3}), {B, S, N * D});  // [B, S, H]
}

// ---- Tensor's method spellings ----------------------------------------------------------------
Tensor Tensor::reshape(const Shape& shape) const { return bertlab::reshape(*this, shape); }
Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const { return bertlab::transpose(*this, dim0, dim1); }
Tensor Tensor::permute(const Shape& dims) const { return bertlab::permute(*this, dims); }

}  // namespace bertlab
