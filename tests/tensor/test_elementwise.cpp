#include <catch2/catch.hpp>

#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

TEST_CASE("add: broadcasts like PyTorch", "[ops]") {
  // [2, 3] + [3]: the row vector is added to each row.
  Tensor a = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = Tensor::from_vector({10, 20, 30}, {3});
  CHECK(add(a, b).to_vector() == std::vector<float>{11, 22, 33, 14, 25, 36});
  // [2, 1] + [1, 3] -> [2, 3]
  Tensor c = Tensor::from_vector({1, 2}, {2, 1}), d = Tensor::from_vector({10, 20, 30}, {1, 3});
  CHECK(add(c, d).to_vector() == std::vector<float>{11, 21, 31, 12, 22, 32});
  REQUIRE_THROWS_WITH(add(a, Tensor::zeros({2})), Catch::Contains("cannot be broadcast") &&
                                                      Catch::Contains("[2, 3] and [2]"));
}

TEST_CASE("sub, mul, scale, tanh, relu: values", "[ops]") {
  Tensor a = Tensor::from_vector({1, -2, 3}, {3}), b = Tensor::from_vector({4, 5, -6}, {3});
  CHECK(sub(a, b).to_vector() == std::vector<float>{-3, -7, 9});
  CHECK(mul(a, b).to_vector() == std::vector<float>{4, -10, -18});
  CHECK(scale(a, 0.5f).to_vector() == std::vector<float>{0.5f, -1.0f, 1.5f});
  CHECK(relu(a).to_vector() == std::vector<float>{1, 0, 3});
  CHECK(div(a, b).to_vector() == std::vector<float>{0.25f, -0.4f, -0.5f});
  CHECK(exp(Tensor::zeros({1})).item() == 1.0f);
  CHECK(log(Tensor::ones({1})).item() == 0.0f);
  CHECK(sqrt(Tensor::from_vector({9.0f}, {1})).item() == 3.0f);
  CHECK(erf(Tensor::from_vector({0.5f}, {1})).item() == Approx(0.5204998778f));
  CHECK(tanh(Tensor::zeros({1})).item() == 0.0f);
  CHECK(tanh(Tensor::from_vector({1.0f}, {1})).item() == Approx(0.7615941559f));
}

TEST_CASE("elementwise: gradients, including broadcast dimensions", "[ops][gradcheck]") {
  const auto [sa, sb] = GENERATE(table<Shape, Shape>({
      {{3}, {3}}, {{17}, {17}}, {{2, 3}, {3}}, {{4, 1, 5}, {3, 1}}, {{1}, {2, 33}}, {{2, 1, 3}, {2, 4, 1}}}));
  CAPTURE(sa, sb);
  Tensor a = randn_param(sa, 1), b = randn_param(sb, 2);
  gradcheck([](const auto& in) { return add(in[0], in[1]); }, {a, b});
  gradcheck([](const auto& in) { return sub(in[0], in[1]); }, {a, b});
  gradcheck([](const auto& in) { return mul(in[0], in[1]); }, {a, b});
  gradcheck([](const auto& in) { return div(in[0], add(mul(in[1], in[1]), Tensor::scalar(1.0f))); }, {a, b});
}

TEST_CASE("unary ops: gradients at odd sizes", "[ops][gradcheck]") {
  const int64_t n = GENERATE(1, 3, 17, 33, 100);
  Tensor x = randn_param({n}, 3);
  gradcheck([](const auto& in) { return scale(in[0], -1.5f); }, {x});
  gradcheck([](const auto& in) { return tanh(in[0]); }, {x});
  gradcheck([](const auto& in) { return relu(in[0]); }, {x});  // kink at 0 is measure-zero for randn
  gradcheck([](const auto& in) { return exp(in[0]); }, {x});
  gradcheck([](const auto& in) { return erf(in[0]); }, {x});
  // log and sqrt need positive inputs: x² + 1
  gradcheck([](const auto& in) { return log(add(mul(in[0], in[0]), Tensor::scalar(1.0f))); }, {x});
  gradcheck([](const auto& in) { return sqrt(add(mul(in[0], in[0]), Tensor::scalar(1.0f))); }, {x});
}
