// gradcheck: compare an op's backward with central differences of its forward.
//
// For a function f(inputs) -> tensor, take a fixed random dout and the scalar fake loss
//   L = Σ f(inputs) · dout          (llm.c layernorm.md's "fakeloss"; dL/d out = dout)
// Autograd gives dL/dx for every input x; the numerical estimate of each element is
//   dL/dx[i] ≈ (L(x[i] + h) - L(x[i] - h)) / 2h       (error O(h²))
// The forward runs in float32 and L is summed in double, so h cannot be tiny (1e-3: float's
// rounding of L, ~1e-7·|L|, is divided by 2h) and the tolerance is loose-ish: an element
// passes when |autograd - numeric| <= atol + rtol·|numeric| (torch.allclose's rule), with
// atol 2e-3 and rtol 2e-2 for O(1) inputs. A wrong formula is off by O(1), far outside.
//   GradcheckResult r = check_gradients([](const auto& in) { return gelu(in[0]); }, {x});
//   r.passed()   // r.inputs[0].max_abs_diff, .max_rel_diff, .analytic, .numeric
// Used by the tests (tests/support/gradcheck.h) and by `bertlab gradcheck OP`.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"  // defines: Tensor, Shape

namespace bertlab {

using TensorFn = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
  double atol = 2e-3, rtol = 2e-2;
  float h = 1e-3f;         // the step of the central difference
  uint64_t seed = 1234;    // of the random dout
};

// One input's comparison. Inputs that do not require grad are not checked (and not listed).
struct InputGradcheck {
  size_t index;           // position in the inputs
  Tensor analytic;        // autograd's gradient; undefined when backward never reached the input
  Tensor numeric;         // central differences, same shape
  double max_abs_diff;    // max |analytic - numeric|
  double max_rel_diff;    // max |analytic - numeric| / |numeric| where rtol·|numeric| >= atol (0 if none):
                          // the elements whose tolerance is mostly the relative part
  int64_t failed;         // elements outside atol + rtol·|numeric| (all of them without a gradient)
  bool passed() const { return failed == 0; }
};

struct GradcheckResult {
  std::vector<InputGradcheck> inputs;
  // True when at least one input was checked and every checked input passed: a check of
  // nothing does not pass.
  bool passed() const;
};

// L = Σ out · dout, summed in double.
double fake_loss(const Tensor& out, const Tensor& dout);

// Runs f once with autograd (after clearing the inputs' gradients), then 2 · numel more times
// per input that requires grad, without recording; the inputs hold their values again at the end.
GradcheckResult check_gradients(const TensorFn& f, std::vector<Tensor> inputs, const GradcheckOptions& options = {});

}  // namespace bertlab
