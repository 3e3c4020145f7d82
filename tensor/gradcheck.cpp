#include "tensor/gradcheck.h"  // defines: check_gradients, GradcheckResult

#include <algorithm>
#include <cmath>

#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/random.h"    // defines: Generator

namespace bertlab {

bool GradcheckResult::passed() const {
  return !inputs.empty() && std::all_of(inputs.begin(), inputs.end(), [](const auto& i) { return i.passed(); });
}

double fake_loss(const Tensor& out, const Tensor& dout) {
  double total = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i) total += static_cast<double>(out.data()[i]) * dout.data()[i];
  return total;
}

namespace {

// dL/dx by central differences, one element of x at a time (x's storage is shared with inputs).
Tensor numeric_gradient(const TensorFn& f, const std::vector<Tensor>& inputs, const Tensor& x, const Tensor& dout,
                        float h) {
  Tensor numeric = Tensor::zeros(x.shape());
  NoGradGuard no_grad;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float saved = x.data()[i];
    const auto set = [&](float value) { x.data()[i] = value, x.bump_version(); };
    set(saved + h);
    const double plus = fake_loss(f(inputs), dout);
    set(saved - h);
    const double minus = fake_loss(f(inputs), dout);
    set(saved);
    numeric.data()[i] = static_cast<float>((plus - minus) / (2.0 * h));
  }
  return numeric;
}

InputGradcheck compare(size_t index, const Tensor& analytic, const Tensor& numeric, const GradcheckOptions& o) {
  InputGradcheck c{index, analytic, numeric, 0.0, 0.0, 0};
  if (!analytic.defined()) {
    c.failed = numeric.numel();
    return c;
  }
  for (int64_t i = 0; i < numeric.numel(); ++i) {
    const double a = analytic.data()[i], n = numeric.data()[i], diff = std::fabs(a - n);
    if (!(diff <= o.atol + o.rtol * std::fabs(n))) ++c.failed;  // a NaN fails too
    c.max_abs_diff = std::isnan(diff) ? diff : std::max(c.max_abs_diff, diff);  // a NaN stays
    if (o.rtol * std::fabs(n) >= o.atol) c.max_rel_diff = std::max(c.max_rel_diff, diff / std::fabs(n));
  }
  return c;
}

}  // namespace

GradcheckResult check_gradients(const TensorFn& f, std::vector<Tensor> inputs, const GradcheckOptions& options) {
  Generator gen(options.seed);
  for (Tensor& x : inputs) x.zero_grad();
  Tensor out = f(inputs);
  const Tensor dout = Tensor::randn(out.shape(), gen);
  if (out.requires_grad()) out.backward(dout);  // else no input reaches out: nothing gets a gradient

  GradcheckResult result;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    if (!x.requires_grad()) continue;
    const Tensor numeric = numeric_gradient(f, inputs, x, dout, options.h);
    result.inputs.push_back(compare(k, x.grad(), numeric, options));
  }
  return result;
}

}  // namespace bertlab
