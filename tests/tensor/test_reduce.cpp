#include <catch2/catch.hpp>

#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

TEST_CASE("sum and mean: values over all elements and along a dimension", "[ops]") {
  Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(sum(x).item() == 21.0f);
  CHECK(mean(x).item() == 3.5f);
  CHECK(sum(x, 0).to_vector() == std::vector<float>{5, 7, 9});
  CHECK(sum(x, -1).to_vector() == std::vector<float>{6, 15});
  CHECK(sum(x, 1, true).shape() == Shape{2, 1});
  CHECK(mean(x, 1).to_vector() == std::vector<float>{2, 5});
  REQUIRE_THROWS_WITH(sum(x, 2), Catch::Contains("dimension out of range"));
}

TEST_CASE("sum and mean: gradients", "[ops][gradcheck]") {
  Tensor x = randn_param({3, 4, 5}, 4);
  gradcheck([](const auto& in) { return sum(in[0]); }, {x});
  gradcheck([](const auto& in) { return mean(in[0]); }, {x});
  const int64_t dim = GENERATE(0, 1, 2);
  gradcheck([dim](const auto& in) { return sum(in[0], dim); }, {x});
  gradcheck([dim](const auto& in) { return mean(in[0], dim, true); }, {x});
}
