// gradcheck for the tests: the library's central-difference check (tensor/gradcheck.h) as Catch2
// assertions. For each input that requires grad, autograd's gradient must match the numerical one
// (AllClose reports where they differ); with no such input the test fails, since a check of
// nothing must not pass.
//   gradcheck([](const auto& in) { return gelu(in[0]); }, {randn_param({3, 17}, 1)});
#pragma once

#include <catch2/catch.hpp>

#include <vector>

#include "tensor/gradcheck.h"  // defines: check_gradients, TensorFn
#include "tensor/ops.h"
#include "tests/support/all_close.h"

namespace bertlab::testing {

using bertlab::TensorFn;

inline void gradcheck(const TensorFn& f, std::vector<Tensor> inputs, double atol = 2e-3, double rtol = 2e-2,
                      float h = 1e-3f) {
  const GradcheckResult result = check_gradients(f, inputs, {.atol = atol, .rtol = rtol, .h = h});
  for (const InputGradcheck& c : result.inputs) {
    INFO("gradient of input " << c.index << " with shape " << fmt::format("{}", inputs[c.index].shape()));
    REQUIRE(c.analytic.defined());
    CHECK_THAT(c.analytic, AllClose(c.numeric, atol, rtol));
  }
  INFO("gradcheck: none of the " << inputs.size() << " inputs requires grad, so nothing was checked");
  REQUIRE(!result.inputs.empty());
}

// A tensor of the given shape with N(0, 1) entries that requires grad.
inline Tensor randn_param(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  Tensor t = Tensor::randn(shape, gen);
  t.requires_grad_();
  return t;
}

}  // namespace bertlab::testing
