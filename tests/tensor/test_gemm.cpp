// gemm and gemm_batched against gemm_ref over shapes that hit every edge of the blocking:
// sizes 0 and 1, non-multiples of the 6×16, 14×16 and 14×32 tiles, several k blocks, all four
// transposes; each with every micro-kernel this CPU runs.
#include "tensor/kernels/gemm.h"  // defines: gemm_ref, gemm, gemm_batched
#include "tests/support/fixtures.h"       // defines: report_skip
#include "tests/support/random_floats.h"  // defines: random_floats

#include <catch2/catch.hpp>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

using bertlab::kernels::cpu_has;
using bertlab::kernels::GemmArgs;
using bertlab::kernels::GemmKernel;
using bertlab::kernels::PackedB;
using bertlab::testing::random_floats;

namespace {

// The kernels this CPU (and this build) can run, baseline first.
std::vector<GemmKernel> kernels_here() {
  std::vector<GemmKernel> here;
  for (GemmKernel k : {GemmKernel::baseline, GemmKernel::avx2, GemmKernel::avx512_256, GemmKernel::avx512})
    if (cpu_has(k)) here.push_back(k);
  return here;
}

// Operands for one C = op(A)·op(B) problem, stored as the flags say, with padded leading
// dimensions (ld = columns + 3) so that a kernel that ignores ld is caught.
struct Problem {
  GemmArgs g;
  std::vector<float> a, b, c, bias;

  Problem(int64_t M, int64_t N, int64_t K, bool trans_a, bool trans_b, bool accumulate, bool with_bias = false,
          GemmKernel kernel = bertlab::kernels::best_gemm_kernel()) {
    g.kernel = kernel;
    g.M = M, g.N = N, g.K = K, g.trans_a = trans_a, g.trans_b = trans_b;
    g.accumulate = accumulate;
    const int64_t a_rows = trans_a ? K : M, b_rows = trans_b ? N : K;
    g.lda = (trans_a ? M : K) + 3, g.ldb = (trans_b ? K : N) + 3, g.ldc = N + 3;
    a = random_floats(a_rows * g.lda, 1, -1.0f, 1.0f), b = random_floats(b_rows * g.ldb, 2, -1.0f, 1.0f);
    c = random_floats(M * g.ldc, 3, -1.0f, 1.0f);  // nonzero, so that accumulate = false must overwrite it
    if (with_bias) bias = random_floats(N, 4, -1.0f, 1.0f);
    point_at_own_data();
  }
  Problem(const Problem& other) : g(other.g), a(other.a), b(other.b), c(other.c), bias(other.bias) {
    point_at_own_data();  // a copy computes into its own C
  }
  Problem& operator=(const Problem&) = delete;
  void point_at_own_data() {
    g.A = a.data(), g.B = b.data(), g.C = c.data();
    g.bias = bias.empty() ? nullptr : bias.data();
  }
};

// Both results carry rounding errors of at most γ_K·Σ_k |a_ik||b_kj|, with γ_K ≈ K·2⁻²⁴
// (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1), whatever the order of
// the sum; their difference is at most twice that. The bound comes from gemm_ref on |A|, |B|.
// Also checks that the padding past N in each row of C is never written.
void require_gemm_matches_ref(Problem& p) {
  Problem ref = p;
  gemm_ref(ref.g);
  gemm(p.g);
  Problem abs = p;
  for (auto* v : {&abs.a, &abs.b, &abs.c, &abs.bias})
    for (float& x : *v) x = std::fabs(x);
  gemm_ref(abs.g);
  const float gamma = 2.0f * static_cast<float>(p.g.K + 1) * std::ldexp(1.0f, -24);
  for (int64_t i = 0; i < p.g.M; ++i)
    for (int64_t j = 0; j < p.g.N; ++j) {
      const int64_t at = i * p.g.ldc + j;
      CAPTURE(i, j);
      REQUIRE(std::fabs(p.c[at] - ref.c[at]) <= gamma * abs.c[at] + 1e-30f);
    }
  for (int64_t i = 0; i < p.g.M; ++i)
    for (int64_t j = p.g.N; j < p.g.ldc; ++j)
      REQUIRE(p.c[i * p.g.ldc + j] == ref.c[i * p.g.ldc + j]);
}

}  // namespace

TEST_CASE("gemm: matches gemm_ref for all transposes and edge shapes", "[kernels]") {
  // Around the register tile's edges of each kernel (6 × 16, 14 × 16, 14 × 32).
  const GemmKernel kernel = GENERATE(from_range(kernels_here()));
  const int64_t M = GENERATE(0, 1, 5, 6, 7, 13, 14, 15, 16, 17, 26, 31, 32, 33, 65, 121);
  const int64_t N = GENERATE(0, 1, 15, 16, 17, 31, 32, 33, 40);
  const int64_t K = GENERATE(0, 1, 3, 385);  // 385: one past a k block (KC = 384)
  const bool trans_a = GENERATE(false, true), trans_b = GENERATE(false, true);
  const bool accumulate = GENERATE(false, true), with_bias = GENERATE(false, true);
  CAPTURE(to_string(kernel), M, N, K, trans_a, trans_b, accumulate, with_bias);
  Problem p(M, N, K, trans_a, trans_b, accumulate, with_bias, kernel);
  require_gemm_matches_ref(p);
}

TEST_CASE("gemm: a worked 1x2 by 2x1 example", "[kernels]") {
  const float a[] = {1, 2}, b[] = {3, 4};  // [[1, 2]] · [[3], [4]] = [[1·3 + 2·4]]
  float c[] = {100};
  GemmArgs g{.M = 1, .N = 1, .K = 2, .A = a, .lda = 2, .B = b, .ldb = 1, .C = c, .ldc = 1};
  gemm(g);
  REQUIRE(c[0] == 11.0f);
  g.accumulate = true;  // C += A·B
  gemm(g);
  REQUIRE(c[0] == 22.0f);
}

TEST_CASE("gemm: large shapes with several cache blocks", "[kernels]") {
  // 250×150×500 spans several row blocks of C (MC = 84 or 120 rows) and two k blocks
  // (KC = 384), each with a partial last one.
  const GemmKernel kernel = GENERATE(from_range(kernels_here()));
  const bool trans_a = GENERATE(false, true), trans_b = GENERATE(false, true);
  CAPTURE(to_string(kernel), trans_a, trans_b);
  Problem p(250, 150, 500, trans_a, trans_b, false, false, kernel);
  require_gemm_matches_ref(p);
}

TEST_CASE("gemm: bitwise the same result for 1 and 2 threads", "[kernels]") {
  const GemmKernel kernel = GENERATE(from_range(kernels_here()));
  const int64_t M = GENERATE(26, 127), N = GENERATE(33, 130, 700);
  CAPTURE(to_string(kernel), M, N);
  Problem one(M, N, 500, false, true, false, /*with_bias=*/true, kernel), two = one;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  gemm(one.g);
  omp_set_num_threads(2);
  gemm(two.g);
  omp_set_num_threads(saved);
  REQUIRE(std::memcmp(one.c.data(), two.c.data(), one.c.size() * sizeof(float)) == 0);
}

TEST_CASE("gemm_batched: each item matches gemm", "[kernels]") {
  const int64_t count = GENERATE(0, 1, 4, 5), M = 13, N = 18, K = 9;
  const int threads = GENERATE(1, 2);  // 2 threads: 4 items go whole to threads, 5 are split
  CAPTURE(count, threads);
  // The items sit back to back: item b of A starts at A + b·(M·lda), and so on.
  Problem p(M * std::max<int64_t>(count, 1), N, K, false, false, false);
  Problem batched = p;
  batched.g.M = M;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  gemm_batched(batched.g, count, M * p.g.lda, 0, M * p.g.ldc);
  omp_set_num_threads(saved);
  p.g.M = M * count;  // the same as one tall GEMM that shares B
  gemm(p.g);
  for (int64_t i = 0; i < count * M * p.g.ldc; ++i) REQUIRE(batched.c[i] == p.c[i]);
}

TEST_CASE("gemm: B packed ahead gives C bit for bit as packing on the way", "[kernels]") {
  // Edges of the panel (NR = 16 or 32 columns), of the k chunk (8 or 16) and of the k block
  // (KC = 384): the packed layout must put every micro-panel where gemm looks for it.
  const GemmKernel kernel = GENERATE(from_range(kernels_here()));
  const int64_t M = GENERATE(1, 7, 26, 130), N = GENERATE(1, 17, 33, 100);
  const int64_t K = GENERATE(1, 9, 384, 385, 800);
  const bool trans_b = GENERATE(false, true), with_bias = GENERATE(false, true);
  CAPTURE(to_string(kernel), M, N, K, trans_b, with_bias);
  Problem on_the_way(M, N, K, false, trans_b, false, with_bias, kernel), ahead = on_the_way;
  gemm(on_the_way.g);
  const PackedB packed(ahead.g);
  ahead.g.packed_b = &packed;
  std::fill(ahead.b.begin(), ahead.b.end(), std::nanf(""));  // B itself must not be read again
  gemm(ahead.g);
  REQUIRE(std::memcmp(on_the_way.c.data(), ahead.c.data(), ahead.c.size() * sizeof(float)) == 0);
}

TEST_CASE("gemm: B packed for another shape is refused", "[kernels]") {
  Problem p(4, 8, 16, false, true, false);
  const PackedB packed(p.g);
  p.g.K = 15;
  p.g.packed_b = &packed;
  REQUIRE_THROWS_WITH(gemm(p.g), "gemm: packed_b was packed for another N×K");
}

TEST_CASE("gemm: B packed for another kernel is refused", "[kernels]") {
  const std::vector<GemmKernel> here = kernels_here();
  if (here.size() < 2) return bertlab::testing::report_skip("this CPU runs one gemm kernel only");
  Problem p(4, 8, 16, false, true, false, false, here[0]);
  const PackedB packed(p.g);
  p.g.kernel = here[1];
  p.g.packed_b = &packed;
  REQUIRE_THROWS_WITH(gemm(p.g), "gemm: packed_b was packed for the " + to_string(here[0]) + " kernel, not " +
                                     to_string(here[1]));
}

TEST_CASE("gemm: every x86 kernel gives the same bits", "[kernels]") {
  // Each fuses its multiply-adds and sums an element of C in the same order (k after k in
  // blocks of KC = 384, block after block), whatever its vector width and tile: the choice of
  // kernel never changes a result. (baseline is left out: on plain x86-64 it is SSE2, which has
  // no fused multiply-add and rounds twice.)
  std::vector<GemmKernel> fused;
  for (GemmKernel k : kernels_here())
    if (k != GemmKernel::baseline) fused.push_back(k);
  if (fused.size() < 2) return bertlab::testing::report_skip("this CPU runs fewer than two x86 gemm kernels");
  const int64_t M = GENERATE(1, 26, 127), N = GENERATE(17, 768), K = GENERATE(9, 800);
  const bool trans_a = GENERATE(false, true), trans_b = GENERATE(false, true);
  const bool accumulate = GENERATE(false, true);
  CAPTURE(M, N, K, trans_a, trans_b, accumulate);
  const Problem first(M, N, K, trans_a, trans_b, accumulate, /*with_bias=*/true, fused[0]);
  Problem reference = first;
  gemm(reference.g);
  for (size_t i = 1; i < fused.size(); ++i) {
    CAPTURE(to_string(fused[i]));
    Problem other = first;
    other.g.kernel = fused[i];
    gemm(other.g);
    REQUIRE(std::memcmp(reference.c.data(), other.c.data(), other.c.size() * sizeof(float)) == 0);
  }
}
