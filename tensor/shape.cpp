#include "tensor/shape.h"  // defines: numel, checked_mul, checked_numel, contiguous_strides, ...

#include "tensor/error.h"

namespace bertlab {

int64_t numel(const Shape& shape) {
  const std::optional<int64_t> n = checked_numel(shape);
  BERT_CHECK(n, "numel: too many elements: expected a product of sizes below 2^63, got {}", shape);
  return *n;
}

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;  // GCC/Clang: exact check
  return product;
}

std::optional<int64_t> checked_numel(const Shape& shape) {
  std::optional<int64_t> n = 1;
  for (int64_t s : shape)
    if (n) n = checked_mul(*n, s);
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

int64_t normalize_dim(int64_t dim, int64_t rank, const char* where) {
  BERT_CHECK(dim >= -rank && dim < rank, "{}: dimension out of range: expected one in [{}, {}], got {}",
             where, -rank, rank - 1, dim);
  return dim < 0 ? dim + rank : dim;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* where) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align on the right: a missing leading dimension counts as size 1.
    const int64_t sa = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t sb = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    BERT_CHECK(sa == sb || sa == 1 || sb == 1,
               "{}: shapes cannot be broadcast: expected sizes equal or 1 in every dimension, got {} and {}",
               where, a, b);
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

std::string shape_str(const Shape& shape) { return fmt::format("{}", shape); }

}  // namespace bertlab
