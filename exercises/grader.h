// The graders' shared part: run checks, print each as PASS/FAIL with what went wrong, exit 0 only
// when every check passed.
//
//   Grader grader(argc, argv, "softmax_backward", "tensor/kernels/softmax.cpp › softmax_row_backward_ref");
//   grader.check("against the library, [3, 5]", [&] { return compare(mine, library, 1e-5); });
//   return grader.finish();
// A check returns "" when it passes, else one line saying what is wrong; an exception (such as
// the TODO file's) fails that check with its message. The project's tests run every grader twice
// (exercises/CMakeLists.txt): with the library's answer it must pass, and with the unchanged TODO
// file, run with --expect-fail, it must report a failure, so a grader that passes anything fails.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "tensor/random.h"  // defines: Generator
#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab::exercises {

class Grader {
 public:
  Grader(int argc, char** argv, const std::string& name, const std::string& answer) {
    for (int i = 1; i < argc; ++i) expect_fail_ = expect_fail_ || std::strcmp(argv[i], "--expect-fail") == 0;
    fmt::print("exercise {} — checked against the library's answer: {}\n", name, answer);
  }

  void check(const std::string& what, const std::function<std::string()>& body) {
    std::string problem;
    try {
      problem = body();
    } catch (const std::exception& e) {
      problem = fmt::format("threw: {}", e.what());
    }
    ++checks_;
    if (problem.empty()) {
      ++passed_;
      fmt::print("  PASS  {}\n", what);
    } else {
      fmt::print("  FAIL  {}\n        {}\n", what, problem);
    }
  }

  // The exit code: 0 when all checks passed (with --expect-fail: when at least one failed).
  int finish() const {
    fmt::print("{} of {} checks passed.\n", passed_, checks_);
    const bool all = checks_ > 0 && passed_ == checks_;
    if (expect_fail_) {
      fmt::print("--expect-fail: {}\n", all ? "every check passed, but this file should fail" : "failed, as expected");
      return all ? 1 : 0;
    }
    return all ? 0 : 1;
  }

 private:
  bool expect_fail_ = false;
  int checks_ = 0, passed_ = 0;
};

// "" when got and expected have one shape and |got - expected| <= atol + rtol·|expected| everywhere
// (inf must match inf); else the shapes, or the largest error, where, and both values.
inline std::string compare(const Tensor& got, const Tensor& expected, double atol, double rtol = 0.0) {
  if (!got.defined()) return "your function returned an undefined Tensor";
  if (got.shape() != expected.shape())
    return fmt::format("shape: expected [{}], got [{}]", fmt::join(expected.shape(), ", "), fmt::join(got.shape(), ", "));
  double worst = -1.0;
  int64_t at = -1;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double g = got.data()[i], e = expected.data()[i];
    const double err = (g == e) ? 0.0 : std::isnan(g - e) ? INFINITY : std::abs(g - e);
    if (err > atol + rtol * std::abs(e) && err > worst) worst = err, at = i;
  }
  if (at < 0) return "";
  return fmt::format("max |error| {:.3g} at flat index {}: expected {:.7g}, got {:.7g} (tolerance {:.1g} + {:.1g}·|expected|)",
                     worst, at, expected.data()[at], got.data()[at], atol, rtol);
}

inline Tensor random_tensor(const Shape& shape, Generator& gen, float std = 1.0f) {
  return Tensor::randn(shape, gen, 0.0f, std);
}

// Uniform integers in [low, high) with this shape (ids, labels, masks).
inline IntTensor random_ints(const Shape& shape, int64_t low, int64_t high, Generator& gen) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<int64_t> values(n);
  for (int64_t& v : values) v = low + static_cast<int64_t>(gen.uniform() * static_cast<float>(high - low)) % (high - low);
  return IntTensor(values, shape);
}

// Central differences of a scalar function of x: dL/dx[i] ≈ (L(x + h·e_i) - L(x - h·e_i)) / 2h.
// In float32 the error is about 1e-3, so compare with atol 2e-3, rtol 2e-2 (as tests/support/gradcheck.h).
inline Tensor numerical_gradient(const std::function<double(const Tensor&)>& loss, const Tensor& x, float h = 1e-3f) {
  Tensor probe = x.clone(), grad = Tensor::zeros(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float saved = probe.data()[i];
    probe.data()[i] = saved + h;
    const double plus = loss(probe);
    probe.data()[i] = saved - h;
    const double minus = loss(probe);
    probe.data()[i] = saved;
    grad.data()[i] = static_cast<float>((plus - minus) / (2.0 * h));
  }
  return grad;
}

// Σ out · weights in double: the scalar "fake loss" whose gradient with respect to out is weights.
inline double dot(const Tensor& out, const Tensor& weights) {
  double total = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i) total += static_cast<double>(out.data()[i]) * weights.data()[i];
  return total;
}

}  // namespace bertlab::exercises
