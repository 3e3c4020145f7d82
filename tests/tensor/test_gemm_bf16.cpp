// The bf16 GEMM (tensor/kernels/gemm_bf16.h): rounding to bf16 against its definition, the
// portable kernel against the reference loop bit for bit, the AVX512-BF16 kernel (where the CPU
// has it) within float32 summation error of it, and the result within bf16's rounding of the
// float product.
#include "tensor/kernels/gemm_bf16.h"     // defines: Bf16Weight, to_bf16_rows, gemm_bf16
#include "tests/support/random_floats.h"  // defines: random_floats

#include <catch2/catch.hpp>
#include <omp.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "tensor/half.h"  // defines: f32_to_bf16, bf16_to_f32

using namespace bertlab::kernels;
using bertlab::bf16_to_f32;
using bertlab::f32_to_bf16;
using bertlab::testing::random_floats;

TEST_CASE("bf16: rounding to nearest with ties to even, and NaN stays NaN", "[kernels][bf16]") {
  CHECK(f32_to_bf16(1.0f) == 0x3F80);
  CHECK(f32_to_bf16(1.00390625f) == 0x3F80);            // 1 + 2^-8: a tie, kept part even: down
  CHECK(f32_to_bf16(1.01171875f) == 0x3F82);            // 1 + 3·2^-8: a tie, kept part odd: up
  CHECK(f32_to_bf16(1.0f + 0x1.0p-8f + 0x1.0p-20f) == 0x3F81);  // just above the tie: up
  CHECK(f32_to_bf16(-2.0f) == 0xC000);
  CHECK(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
  CHECK(std::isinf(bf16_to_f32(f32_to_bf16(INFINITY))));
  // every value lands on the nearer of its two bf16 neighbours
  for (float v : random_floats(1000, 21)) {
    const float r = bf16_to_f32(f32_to_bf16(v));
    const uint32_t bits = std::bit_cast<uint32_t>(v) & 0xFFFF0000u;
    const float down = std::bit_cast<float>(bits), up = std::bit_cast<float>(bits + 0x10000u);
    REQUIRE(std::fabs(r - v) <= std::min(std::fabs(down - v), std::fabs(up - v)));
  }
}

TEST_CASE("bf16: the packed weight gives back each rounded value", "[kernels][bf16]") {
  const int64_t N = 37, K = 9;
  const std::vector<float> w = random_floats(N * K, 22);
  const Bf16Weight b(w.data(), N, K);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k) REQUIRE(b.at(n, k) == f32_to_bf16(w[n * K + k]));
}

TEST_CASE("bf16: the kernels against the reference loop, over the edges of the tiles", "[kernels][bf16]") {
  for (Bf16Kernel kernel : {Bf16Kernel::portable, Bf16Kernel::avx512_bf16}) {
    if (!cpu_has(kernel)) continue;
    for (int64_t M : {1, 5, 13, 14, 15, 29})
      for (int64_t N : {1, 31, 32, 33, 70})
        for (int64_t K : {1, 2, 3, 64, 771})
          for (bool with_bias : {false, true}) {
            CAPTURE(to_string(kernel), M, N, K, with_bias);
            const std::vector<float> x = random_floats(M * K, 1), w = random_floats(N * K, 2, -0.2f, 0.2f),
                                     bias = random_floats(N, 3);
            Bf16Rows h;
            to_bf16_rows(x.data(), M, K, h);
            const Bf16Weight b(w.data(), N, K);
            std::vector<float> want(M * N), got(M * N, NAN);
            gemm_bf16_ref(h, b, with_bias ? bias.data() : nullptr, want.data());
            gemm_bf16(h, b, with_bias ? bias.data() : nullptr, got.data(), kernel);
            if (kernel == Bf16Kernel::portable) {
              REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
              continue;
            }
            // vdpbf16ps adds the products in its own order: float32 summation error, K·2^-24·Σ|x·w|.
            for (int64_t m = 0; m < M; ++m)
              for (int64_t n = 0; n < N; ++n) {
                double size = 0.0;
                for (int64_t k = 0; k < K; ++k) size += std::fabs(double{bf16_to_f32(h.v[m * h.k_padded + k])} * bf16_to_f32(b.at(n, k)));
                REQUIRE(std::fabs(got[m * N + n] - want[m * N + n]) <= K * 0x1.0p-24 * size + 1e-7);
              }
          }
  }
}

// Each value moves by at most 2^-9 of itself when rounded to bf16, so
//   |Σ x·w - Σ x̂·ŵ| <= Σ |x·w| · (2·2^-9 + 2^-18) (+ float32 summation).
TEST_CASE("bf16: within bf16's rounding of the float product, the same on one thread and on all", "[kernels][bf16]") {
  const int64_t M = 40, N = 100, K = 768;
  const std::vector<float> x = random_floats(M * K, 4), w = random_floats(N * K, 5, -0.05f, 0.05f);
  Bf16Rows h;
  to_bf16_rows(x.data(), M, K, h);
  const Bf16Weight b(w.data(), N, K);
  std::vector<float> all(M * N), one(M * N);
  gemm_bf16(h, b, nullptr, all.data());
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  gemm_bf16(h, b, nullptr, one.data());
  omp_set_num_threads(threads);
  CHECK(std::memcmp(all.data(), one.data(), all.size() * sizeof(float)) == 0);
  int64_t differ = 0;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double exact = 0.0, size = 0.0;
      for (int64_t k = 0; k < K; ++k) exact += double{x[m * K + k]} * w[n * K + k], size += std::fabs(double{x[m * K + k]} * w[n * K + k]);
      const double err = std::fabs(all[m * N + n] - exact);
      REQUIRE(err <= size * (2 * 0x1.0p-9 + 0x1.0p-18 + K * 0x1.0p-24));
      differ += err > 1e-6;
    }
  CHECK(differ > M * N / 2);  // it did round
}
