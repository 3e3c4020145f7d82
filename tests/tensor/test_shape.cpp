// tensor/shape.h: element counts that cannot overflow, and tensors whose bytes would not fit in
// memory refused before anything is allocated; a copy into a tensor of another shape refused
// before anything is written.
#include "tensor/shape.h"  // defines: numel, checked_mul

#include <catch2/catch.hpp>

#include "tensor/error.h"
#include "tensor/tensor.h"

using namespace bertlab;
using Catch::Contains;

TEST_CASE("numel: the product of the sizes, or an error when it does not fit in int64", "[tensor][shape]") {
  CHECK(numel({}) == 1);
  CHECK(numel({2, 3, 4}) == 24);
  CHECK(numel({0, int64_t{1} << 62}) == 0);
  CHECK(numel({int64_t{1} << 31, int64_t{1} << 31}) == int64_t{1} << 62);
  // 2^32 · 2^32 = 2^64 wraps to 0 in int64 arithmetic (undefined behaviour, in fact)
  CHECK_THROWS_WITH(numel({int64_t{1} << 32, int64_t{1} << 32}),
                    Contains("numel: too many elements") && Contains("[4294967296, 4294967296]"));
}

TEST_CASE("Tensor::empty: a shape too big for memory is an error before allocating", "[tensor][shape]") {
  // 768 · (2^62 + 1) floats: the element count overflowed and malloc got a 4-byte request.
  CHECK_THROWS_WITH(Tensor::empty({768, (int64_t{1} << 62) + 1}), Contains("numel: too many elements"));
  // 2^62 floats fit in int64 as a count, but their 2^64 bytes do not
  CHECK_THROWS_WITH(Tensor::empty({int64_t{1} << 31, int64_t{1} << 31}),
                    Contains("Tensor: shape [2147483648, 2147483648]") && Contains("bytes"));
  // 2^40 floats = 4 TiB: more than this machine has
  CHECK_THROWS_WITH(Tensor::empty({int64_t{1} << 20, int64_t{1} << 20}),
                    Contains("out of memory") && Contains("4398046511104 bytes"));
}

TEST_CASE("Tensor::copy_: the source's numbers in place, a new version, and a shape error naming both", "[tensor][shape]") {
  const Tensor t = Tensor::zeros({2, 3});
  const uint64_t version = t.version();
  t.copy_(Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3}));
  CHECK(t.to_vector() == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(t.version() == version + 1);
  REQUIRE_THROWS_WITH(t.copy_(Tensor::zeros({3, 2})), Contains("copy_: expected a source of shape [2, 3], got [3, 2]"));
  CHECK(t.to_vector() == std::vector<float>{1, 2, 3, 4, 5, 6});  // untouched
}
