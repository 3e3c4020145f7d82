// AllClose: compare two tensors elementwise, |got - want| <= atol + rtol·|want|, and on failure
// say where: the largest difference, its multi-index, and the first few (got, want) pairs.
// A NaN matches nothing, not even a NaN (as torch.allclose), unless asked: .with_equal_nan().
//   REQUIRE_THAT(out, AllClose(expected, 1e-5, 1e-4));
//   CHECK_THAT(loss_of_nothing, AllClose(expected_nan).with_equal_nan());
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstring>

#include "tensor/tensor.h"

namespace bertlab::testing {

class AllCloseMatcher : public Catch::MatcherBase<Tensor> {
 public:
  AllCloseMatcher(Tensor want, double atol, double rtol) : want_(std::move(want)), atol_(atol), rtol_(rtol) {}

  bool match(const Tensor& got) const override {
    report_.clear();
    if (got.shape() != want_.shape()) {
      report_ = fmt::format("shape {} differs from expected {}", got.shape(), want_.shape());
      return false;
    }
    double worst = -1.0;
    int64_t worst_i = 0, bad = 0;
    std::string pairs;
    for (int64_t i = 0; i < got.numel(); ++i) {
      const double g = got.data()[i], w = want_.data()[i], diff = std::fabs(g - w);
      const bool ok = diff <= atol_ + rtol_ * std::fabs(w) || (equal_nan_ && std::isnan(g) && std::isnan(w));
      if (!ok && bad++ < 5) pairs += fmt::format(" ({:.8g}, {:.8g})@{}", g, w, unravel(i));
      if (!ok && (diff > worst || std::isnan(diff))) worst = diff, worst_i = i;
    }
    if (bad == 0) return true;
    report_ = fmt::format("{} of {} elements differ; max |diff| {:.3g} at {}; first (got, want):{}", bad,
                          got.numel(), worst, unravel(worst_i), pairs);
    return false;
  }

  // NaN against NaN counts as equal (torch.allclose's equal_nan=True); NaN against a number never does.
  AllCloseMatcher with_equal_nan() const {
    AllCloseMatcher m = *this;
    m.equal_nan_ = true;
    return m;
  }

  std::string describe() const override {
    return fmt::format("is close to the expected {} tensor (atol {}, rtol {}{}): {}", want_.shape(), atol_, rtol_,
                       equal_nan_ ? ", NaN equals NaN" : "", report_);
  }

 private:
  std::string unravel(int64_t i) const {
    Shape index(want_.dim());
    for (int64_t d = want_.dim(); d-- > 0;) index[d] = i % want_.size(d), i /= want_.size(d);
    return fmt::format("{}", index);
  }

  Tensor want_;
  double atol_, rtol_;
  bool equal_nan_ = false;
  mutable std::string report_;
};

inline AllCloseMatcher AllClose(const Tensor& want, double atol = 1e-5, double rtol = 1e-4) {
  return {want, atol, rtol};
}

// Bit for bit the same: shape and every float's bytes (so -0 differs from 0, and NaN equals the
// same NaN). For results that must not differ at all, such as one tensor read from two files.
inline bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.numel() * sizeof(float)) == 0;
}

}  // namespace bertlab::testing
