// Shape: the sizes of a tensor's dimensions, outermost first, as in PyTorch and safetensors.
//
// A [2, 3] tensor stores its 6 floats row-major: element (i, j) sits at i * 3 + j.
// fmt prints a Shape as "[2, 3]" (fmt/ranges.h), the form used in every message.
// Broadcasting follows NumPy/PyTorch: align shapes on the right; each pair of sizes must be
// equal or one of them 1:  [4, 1, 3] with [5, 1] -> [4, 5, 3].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bertlab {

using Shape = std::vector<int64_t>;

// Number of elements: the product of the sizes (1 for a scalar, shape []). Throws when the
// product does not fit in int64: a wrapped count would make a tiny buffer that code then
// writes far past (an intermediate_size of 2^62 + 1 once got 4 bytes for [768, 2^62 + 1]).
int64_t numel(const Shape& shape);

// Size arithmetic that says when it overflows instead of wrapping (signed overflow is also
// undefined behaviour in C++): the result, or std::nullopt when it does not fit in int64.
std::optional<int64_t> checked_mul(int64_t a, int64_t b);
std::optional<int64_t> checked_numel(const Shape& shape);

// Row-major strides: strides[d] = product of sizes after d.  [2, 3, 4] -> [12, 4, 1].
Shape contiguous_strides(const Shape& shape);

// Python-style dimension index: -1 is the last. Throws naming `where` when out of range.
int64_t normalize_dim(int64_t dim, int64_t rank, const char* where);

// The broadcast shape of a and b, or an Error naming `where` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* where);

// "[2, 8, 32]" — for messages and printing.
std::string shape_str(const Shape& shape);

}  // namespace bertlab
