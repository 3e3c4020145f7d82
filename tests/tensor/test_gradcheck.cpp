// The checker itself (tensor/gradcheck.h): it must fail a wrong backward, not only pass right ones.
#include <catch2/catch.hpp>

#include <vector>

#include "tensor/autograd.h"
#include "tensor/gradcheck.h"
#include "tensor/ops.h"
#include "tests/support/gradcheck.h"  // defines: randn_param

using namespace bertlab;

namespace {

// out = x², with the backward given: the right one is dx += 2x·dout.
Tensor square_with_backward(const Tensor& x, float factor) {
  Tensor out = Tensor::empty(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) out.data()[i] = x.data()[i] * x.data()[i];
  return record(out, "square", {x}, [x, factor](const Tensor&, const Tensor& dout) {
    float* dx = x.grad_data();
    for (int64_t i = 0; i < x.numel(); ++i) dx[i] += factor * x.data()[i] * dout.data()[i];
  });
}

}  // namespace

TEST_CASE("gradcheck: a right backward passes and a wrong one (x² with dx = x·dout) fails", "[gradcheck]") {
  const Tensor x = testing::randn_param({3, 5}, 11);
  const GradcheckResult right = check_gradients([](const auto& in) { return square_with_backward(in[0], 2.0f); }, {x});
  REQUIRE(right.inputs.size() == 1);
  CHECK(right.passed());
  CHECK(right.inputs[0].max_abs_diff < 1e-3);

  // d(x²)/dx = 2x, so the wrong gradient is off by x·dout: O(1) for N(0, 1) x and dout.
  const GradcheckResult wrong = check_gradients([](const auto& in) { return square_with_backward(in[0], 1.0f); }, {x});
  REQUIRE(wrong.inputs.size() == 1);
  CHECK_FALSE(wrong.passed());
  CHECK(wrong.inputs[0].failed > 0);
  CHECK(wrong.inputs[0].max_abs_diff > 0.1);
  CHECK(wrong.inputs[0].max_rel_diff > 0.3);  // about 1/2 wherever the relative part decides
}

TEST_CASE("gradcheck: an input backward never reaches fails, and a check of nothing does not pass", "[gradcheck]") {
  // exp ignores its second input: autograd leaves it without a gradient, which is not a pass
  const Tensor x = testing::randn_param({4}, 12), ignored = testing::randn_param({4}, 13);
  const GradcheckResult r = check_gradients([](const auto& in) { return exp(in[0]); }, {x, ignored});
  REQUIRE(r.inputs.size() == 2);
  CHECK(r.inputs[0].passed());
  CHECK_FALSE(r.inputs[1].analytic.defined());
  CHECK_FALSE(r.inputs[1].passed());
  CHECK_FALSE(r.passed());

  const GradcheckResult nothing = check_gradients([](const auto& in) { return exp(in[0]); }, {Tensor::ones({3})});
  CHECK(nothing.inputs.empty());
  CHECK_FALSE(nothing.passed());
}
