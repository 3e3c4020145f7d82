// gradcheck: compare an op's backward with central differences of its forward.
//
// For a function f(inputs) -> tensor, take a fixed random dout and the scalar
// L = Σ f(inputs) · dout ("fake loss"). Autograd gives dL/dx; the numerical estimate is
//   dL/dx[i] ≈ (L(x[i] + h) - L(x[i] - h)) / 2h       (error O(h²))
// Forward runs in float32, so h is not tiny (1e-3 with L accumulated in double) and the
// tolerance is loose-ish: atol 2e-3, rtol 2e-2 on O(1) inputs.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include "tensor/autograd.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"

namespace bertlab::testing {

using TensorFn = std::function<Tensor(const std::vector<Tensor>&)>;

inline double fake_loss(const Tensor& out, const Tensor& dout) {
  double total = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i) total += static_cast<double>(out.data()[i]) * dout.data()[i];
  return total;
}

// Checks the gradient of every input that requires grad; fails when none does (or all are empty):
// a check of nothing must not pass.
inline void gradcheck(const TensorFn& f, std::vector<Tensor> inputs, double atol = 2e-3, double rtol = 2e-2,
                      float h = 1e-3f) {
  Generator gen(1234);
  for (Tensor& x : inputs) x.zero_grad();
  Tensor out = f(inputs);
  const Tensor dout = Tensor::randn(out.shape(), gen);
  out.backward(dout);

  int64_t checked = 0;  // gradient elements compared
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    if (!x.requires_grad()) continue;
    checked += x.numel();
    Tensor numeric = Tensor::zeros(x.shape());
    NoGradGuard no_grad;
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float saved = x.data()[i];
      x.data()[i] = saved + h;
      const double plus = fake_loss(f(inputs), dout);
      x.data()[i] = saved - h;
      const double minus = fake_loss(f(inputs), dout);
      x.data()[i] = saved;
      numeric.data()[i] = static_cast<float>((plus - minus) / (2.0 * h));
    }
    INFO("gradient of input " << k << " with shape " << fmt::format("{}", x.shape()));
    REQUIRE(x.grad().defined());
    CHECK_THAT(x.grad(), AllClose(numeric, atol, rtol));
  }
  INFO("gradcheck: none of the " << inputs.size() << " inputs requires grad, so nothing was checked");
  REQUIRE(checked > 0);
}

// A tensor of the given shape with N(0, 1) entries that requires grad.
inline Tensor randn_param(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  Tensor t = Tensor::randn(shape, gen);
  t.requires_grad_();
  return t;
}

}  // namespace bertlab::testing
