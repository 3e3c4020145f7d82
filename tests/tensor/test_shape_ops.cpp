#include <catch2/catch.hpp>

#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

TEST_CASE("reshape: shares storage and infers -1", "[ops]") {
  Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor y = x.reshape({3, -1});
  CHECK(y.shape() == Shape{3, 2});
  CHECK(y.data() == x.data());
  REQUIRE_THROWS_WITH(x.reshape({4, 2}), Catch::Contains("element count differs"));
}

TEST_CASE("transpose and permute: values", "[ops]") {
  Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(x.transpose(0, 1).to_vector() == std::vector<float>{1, 4, 2, 5, 3, 6});
  Tensor z = Tensor::from_vector({0, 1, 2, 3, 4, 5, 6, 7}, {2, 2, 2});
  // permute(2, 0, 1): out[i, j, k] = z[j, k, i]
  CHECK(z.permute({2, 0, 1}).to_vector() == std::vector<float>{0, 2, 4, 6, 1, 3, 5, 7});
}

TEST_CASE("slice: values and bounds", "[ops]") {
  Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(slice(x, 1, 1, 3).to_vector() == std::vector<float>{2, 3, 5, 6});
  CHECK(slice(x, 0, 1, 2).to_vector() == std::vector<float>{4, 5, 6});
  REQUIRE_THROWS_WITH(slice(x, 1, 2, 4), Catch::Contains("out of bounds"));
}

TEST_CASE("split_heads and merge_heads: [B, S, H] <-> [B, N, S, D]", "[ops]") {
  Generator gen(5);
  Tensor x = Tensor::randn({2, 3, 8}, gen);
  Tensor heads = split_heads(x, 4);  // [2, 4, 3, 2]
  CHECK(heads.shape() == Shape{2, 4, 3, 2});
  // head n, position s, dim d comes from hidden index n * D + d
  CHECK(heads.data()[((1 * 4 + 2) * 3 + 1) * 2 + 1] == x.data()[(1 * 3 + 1) * 8 + 2 * 2 + 1]);
  CHECK(merge_heads(heads).to_vector() == x.to_vector());
}

TEST_CASE("shape ops: gradients", "[ops][gradcheck]") {
  Tensor x = randn_param({3, 4, 5}, 6);
  gradcheck([](const auto& in) { return in[0].reshape({12, 5}); }, {x});
  gradcheck([](const auto& in) { return in[0].permute({2, 0, 1}); }, {x});
  gradcheck([](const auto& in) { return in[0].transpose(-1, -2); }, {x});
  gradcheck([](const auto& in) { return slice(in[0], 1, 1, 3); }, {x});
  gradcheck([](const auto& in) { return merge_heads(split_heads(in[0].reshape({3, 2, 10}), 5)); }, {x});
}
