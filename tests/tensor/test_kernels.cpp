// Every _simd kernel against its scalar _ref, over sizes that are below, at, and around
// multiples of Batch::size (4, 8 or 16 floats), so both the batch loop and the tail run.
#include "tensor/kernels/elementwise.h"  // defines: add, mul, axpy, scale, dot, sum
#include "tensor/kernels/gelu.h"         // defines: gelu, gelu_tanh (+ backward)
#include "tensor/kernels/layer_norm.h"   // defines: layer_norm_row (+ backward)
#include "tensor/kernels/simd.h"         // defines: Batch
#include "tensor/kernels/softmax.h"      // defines: softmax_row (+ backward), log_sum_exp
#include "tests/support/random_floats.h"  // defines: random_floats

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace bertlab::kernels;
using bertlab::testing::random_floats;

namespace {

// |got - want| <= atol + rtol·|want| for every element, reporting the first that is not.
void require_all_close(const std::vector<float>& got, const std::vector<float>& want,
                       float atol, float rtol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i, got[i], want[i]);
    REQUIRE(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]));
  }
}

// The default per-op tolerance (STYLE §9). Kernels built on xsimd's exp, erf, tanh and log
// use it too: the test "simd math" below shows those are within 3 ulp (3.6e-7 relative) of
// the C library's, far inside it; reordered sums add a few ulp of the sum.
constexpr float kAtol = 1e-5f, kRtol = 1e-4f;

int64_t ulp_distance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  // Map the sign-magnitude bit patterns onto one integer line, so that -0 and +0 meet.
  const auto ordered = [](int32_t i) {
    return i < 0 ? std::numeric_limits<int32_t>::min() - int64_t{i} : int64_t{i};
  };
  return std::llabs(ordered(ia) - ordered(ib));
}

}  // namespace

#define KERNEL_SIZES GENERATE(1, 3, 4, 7, 8, 15, 16, 17, 33, 100, 768)

TEST_CASE("simd math: xsimd 8.1 exp, erf, tanh, log are within 3 ulp of <cmath>", "[kernels]") {
  // Measured on this project's machines (SSE, AVX2 and AVX-512 builds); the kernels' tolerances rely on it.
  const auto worst_ulp = [](float lo, float hi, auto f) {
    int64_t worst = 0;
    alignas(64) float x[Batch::size], y[Batch::size];
    const float step = (hi - lo) / (1 << 16);
    for (int64_t i = 0; i < (1 << 16); i += Batch::size) {
      for (size_t j = 0; j < Batch::size; ++j) x[j] = lo + step * static_cast<float>(i + j);
      f(Batch::load_aligned(x)).store_aligned(y);
      for (size_t j = 0; j < Batch::size; ++j)
        worst = std::max(worst, ulp_distance(y[j], f(x[j])));
    }
    return worst;
  };
  // Generic lambdas: [](auto v) { return exp(v); } finds xsimd::exp for a Batch by
  // argument-dependent lookup, and std::exp for a float through the using-declaration.
  using std::erf, std::exp, std::log, std::tanh;
  CHECK(worst_ulp(-87.0f, 88.0f, [](auto v) { return exp(v); }) <= 3);
  CHECK(worst_ulp(-10.0f, 10.0f, [](auto v) { return erf(v); }) <= 3);
  CHECK(worst_ulp(-10.0f, 10.0f, [](auto v) { return tanh(v); }) <= 3);
  CHECK(worst_ulp(1e-30f, 1e30f, [](auto v) { return log(v); }) <= 3);
}

namespace {
template <class B>
void check_transpose_square() {
  constexpr size_t n = B::size;
  float m[n][n];
  for (size_t i = 0; i < n; ++i)
    for (size_t l = 0; l < n; ++l) m[i][l] = static_cast<float>(100 * i + l);  // row·100 + lane
  B rows[n];
  for (size_t i = 0; i < n; ++i) rows[i] = B::load_unaligned(m[i]);
  transpose_square(rows);
  for (size_t i = 0; i < n; ++i) {
    float lanes[n];
    rows[i].store_unaligned(lanes);
    for (size_t l = 0; l < n; ++l) {
      CAPTURE(n, i, l);
      REQUIRE(lanes[l] == m[l][i]);
    }
  }
}
}  // namespace

TEST_CASE("transpose_square: lane l of row i becomes lane i of row l", "[kernels]") {
  check_transpose_square<Batch>();  // this machine's widest: swizzles on AVX/AVX-512
#if XSIMD_WITH_AVX2
  check_transpose_square<xsimd::batch<float, xsimd::avx2>>();  // 8 lanes, swizzles
#endif
#if XSIMD_WITH_SSE2
  check_transpose_square<xsimd::batch<float, xsimd::sse2>>();  // 4 lanes, through memory
#endif
}

TEST_CASE("add, mul, scale: simd is bitwise equal to ref", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  const auto a = random_floats(n, 1), b = random_floats(n, 2);
  std::vector<float> got(n), want(n);
  add_simd(a.data(), b.data(), got.data(), n);  // one IEEE rounding per element either way
  add_ref(a.data(), b.data(), want.data(), n);
  REQUIRE(got == want);
  mul_simd(a.data(), b.data(), got.data(), n);
  mul_ref(a.data(), b.data(), want.data(), n);
  REQUIRE(got == want);
  scale_simd(0.125f, a.data(), got.data(), n);
  scale_ref(0.125f, a.data(), want.data(), n);
  REQUIRE(got == want);
}

TEST_CASE("axpy: simd matches ref and accumulates into y", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  const auto x = random_floats(n, 1);
  auto got = random_floats(n, 2), want = got;
  axpy_simd(0.3f, x.data(), got.data(), n);
  axpy_ref(0.3f, x.data(), want.data(), n);
  // simd uses one fused multiply-add, the reference may round α·x first: 1 ulp of |y| ≤ 4.
  require_all_close(got, want, 1e-6f, 0.0f);
}

TEST_CASE("dot, sum: simd matches ref up to the order of the sum", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  const auto a = random_floats(n, 1), b = random_floats(n, 2);
  // Two orders of summing n terms differ by at most 2·n·2⁻²⁴·Σ|term| (Higham §3.1).
  float abs_dot = 0.0f, abs_sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) abs_dot += std::fabs(a[i] * b[i]), abs_sum += std::fabs(a[i]);
  const float gamma = 2.0f * static_cast<float>(n) * std::ldexp(1.0f, -24);
  const float dot_error = dot_simd(a.data(), b.data(), n) - dot_ref(a.data(), b.data(), n);
  REQUIRE(std::fabs(dot_error) <= gamma * abs_dot);
  REQUIRE(std::fabs(sum_simd(a.data(), n) - sum_ref(a.data(), n)) <= gamma * abs_sum);
  REQUIRE(dot_simd(a.data(), b.data(), 0) == 0.0f);
}

TEST_CASE("softmax_row: simd matches ref, with and without a -inf mask", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  const bool masked = GENERATE(false, true);
  CAPTURE(n, masked);
  const auto x = random_floats(n, 1, -20.0f, 20.0f);
  std::vector<float> mask(n, 0.0f);
  for (int64_t i = 0; i < n; i += 3) mask[i] = -std::numeric_limits<float>::infinity();
  const float* m = masked ? mask.data() : nullptr;
  std::vector<float> got(n), want(n);
  softmax_row_simd(x.data(), m, got.data(), n);
  softmax_row_ref(x.data(), m, want.data(), n);
  require_all_close(got, want, kAtol, kRtol);
  for (int64_t i = 0; i < n && masked; i += 3) REQUIRE(got[i] == 0.0f);  // exactly 0, as the ref
}

TEST_CASE("softmax_row: simd gives zeros for a fully masked row", "[kernels]") {
  const float x[3] = {1, 2, 3}, inf = std::numeric_limits<float>::infinity();
  const float mask[3] = {-inf, -inf, -inf};
  float y[3] = {7, 7, 7};
  softmax_row_simd(x, mask, y, 3);
  REQUIRE((y[0] == 0.0f && y[1] == 0.0f && y[2] == 0.0f));
}

TEST_CASE("softmax_row: a NaN anywhere in the row makes the whole row NaN, as in PyTorch", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  const int where = GENERATE(0, 1, 2);  // one NaN, every entry NaN, NaN under a -inf mask
  CAPTURE(n, where);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  auto x = random_floats(n, 2, -5.0f, 5.0f);
  std::vector<float> mask(n, 0.0f);
  if (where == 0) x[n / 2] = nan;
  if (where == 1) std::fill(x.begin(), x.end(), nan);
  if (where == 2) {
    std::fill(mask.begin(), mask.end(), -inf);  // fully masked, but NaN + -inf is still NaN
    x[n - 1] = nan;
  }
  for (auto* softmax_row : {&softmax_row_ref, &softmax_row_simd}) {
    std::vector<float> y(n, 7.0f);
    softmax_row(x.data(), mask.data(), y.data(), n);
    for (int64_t i = 0; i < n; ++i) REQUIRE(std::isnan(y[i]));
  }
}

TEST_CASE("softmax_row_backward: simd matches ref and accumulates into dx", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  std::vector<float> y(n);
  softmax_row_ref(random_floats(n, 1).data(), nullptr, y.data(), n);
  const auto dy = random_floats(n, 2);
  auto got = random_floats(n, 3), want = got;  // nonzero dx: backward adds into it
  softmax_row_backward_simd(y.data(), dy.data(), got.data(), n);
  softmax_row_backward_ref(y.data(), dy.data(), want.data(), n);
  require_all_close(got, want, kAtol, kRtol);
}

TEST_CASE("log_sum_exp: simd matches ref", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  const auto x = random_floats(n, 1, -50.0f, 50.0f);
  const float want = log_sum_exp_ref(x.data(), n);
  REQUIRE(std::fabs(log_sum_exp_simd(x.data(), n) - want) <= kAtol + kRtol * std::fabs(want));
}

TEST_CASE("layer_norm_row: simd matches ref, forward and backward", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  CAPTURE(n);
  const auto x = random_floats(n, 1), w = random_floats(n, 2), b = random_floats(n, 3);
  std::vector<float> got(n), want(n);
  float mean_got, rstd_got, mean_want, rstd_want;
  layer_norm_row_simd(x.data(), w.data(), b.data(), 1e-12f, got.data(), &mean_got, &rstd_got, n);
  layer_norm_row_ref(x.data(), w.data(), b.data(), 1e-12f, want.data(), &mean_want, &rstd_want, n);
  require_all_close(got, want, kAtol, kRtol);
  REQUIRE(std::fabs(mean_got - mean_want) <= kAtol);
  REQUIRE(std::fabs(rstd_got - rstd_want) <= kRtol * rstd_want);

  const auto dy = random_floats(n, 4);
  auto dx_got = random_floats(n, 5), dw_got = random_floats(n, 6), db_got = random_floats(n, 7);
  auto dx_want = dx_got, dw_want = dw_got, db_want = db_got;  // nonzero: backward adds
  layer_norm_row_backward_simd(x.data(), w.data(), mean_want, rstd_want, dy.data(), dx_got.data(),
                               dw_got.data(), db_got.data(), n);
  layer_norm_row_backward_ref(x.data(), w.data(), mean_want, rstd_want, dy.data(), dx_want.data(),
                              dw_want.data(), db_want.data(), n);
  require_all_close(dx_got, dx_want, kAtol, kRtol);
  require_all_close(dw_got, dw_want, kAtol, kRtol);
  require_all_close(db_got, db_want, kAtol, kRtol);
}

TEST_CASE("gelu_simd: its erf (Abramowitz & Stegun 7.1.26) keeps GELU within 5e-7 of exact", "[kernels]") {
  // The formula's own bound is 1.5e-7 on erf; GELU scales it by |x|/2, plus float rounding.
  constexpr int64_t n = 1 << 16;
  std::vector<float> x(n), y(n), dx(n, 0.0f), dy(n, 1.0f);
  for (int64_t i = 0; i < n; ++i) x[i] = -10.0f + 20.0f * static_cast<float>(i) / n;
  gelu_simd(x.data(), y.data(), n);
  gelu_backward_simd(x.data(), dy.data(), dx.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    const double v = x[i], cdf = 0.5 * (1.0 + std::erf(v / std::sqrt(2.0)));
    const double pdf = std::exp(-0.5 * v * v) / std::sqrt(2.0 * 3.14159265358979323846);
    CAPTURE(v);
    REQUIRE(std::fabs(y[i] - v * cdf) <= 5e-7);
    REQUIRE(std::fabs(dx[i] - (cdf + v * pdf)) <= 5e-7);
  }
}

TEST_CASE("gelu, gelu_tanh: simd matches ref, forward and backward", "[kernels]") {
  const int64_t n = KERNEL_SIZES;
  const bool tanh_form = GENERATE(false, true);
  CAPTURE(n, tanh_form);
  const auto x = random_floats(n, 1, -6.0f, 6.0f), dy = random_floats(n, 2);
  std::vector<float> got(n), want(n);
  (tanh_form ? gelu_tanh_simd : gelu_simd)(x.data(), got.data(), n);
  (tanh_form ? gelu_tanh_ref : gelu_ref)(x.data(), want.data(), n);
  require_all_close(got, want, kAtol, kRtol);
  auto dx_got = random_floats(n, 3), dx_want = dx_got;  // nonzero: backward adds
  (tanh_form ? gelu_tanh_backward_simd : gelu_backward_simd)(x.data(), dy.data(), dx_got.data(), n);
  (tanh_form ? gelu_tanh_backward_ref : gelu_backward_ref)(x.data(), dy.data(), dx_want.data(), n);
  require_all_close(dx_got, dx_want, kAtol, kRtol);
}
