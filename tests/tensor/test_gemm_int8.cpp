// The int8 GEMM of dynamic quantization (tensor/kernels/gemm_int8.h): the rounding of weights
// and activations against the formulas, every kernel this CPU has against the reference loop
// bit for bit (the sums are integers), and the result against the float product within the
// error that rounding to int8 allows.
#include "tensor/kernels/gemm_int8.h"  // defines: Int8Weight, quantize_rows, gemm_int8
#include "tests/support/random_floats.h"  // defines: random_floats

#include <catch2/catch.hpp>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "tensor/error.h"

using namespace bertlab::kernels;
using bertlab::testing::random_floats;

namespace {

std::vector<Int8Kernel> kernels_here() {
  std::vector<Int8Kernel> out;
  for (Int8Kernel k : {Int8Kernel::portable, Int8Kernel::avx512_vnni})
    if (cpu_has(k)) out.push_back(k);
  return out;
}

bool same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("int8: activations are rounded per row to x / (max|x| / 127), stored plus 128", "[kernels][int8]") {
  const std::vector<float> x = {0.5f, -1.0f, 0.25f,  // max 1: scale 1/127; 63.5 rounds to even 64, 31.75 to 32
                                0.0f, 0.0f, 0.0f};   // a row of zeros: scale 1, all 0
  QuantizedRows q;
  quantize_rows(x.data(), 2, 3, q);
  CHECK(q.k_padded == 4);
  CHECK(q.scales[0] == 1.0f / 127.0f);
  CHECK(q.scales[1] == 1.0f);
  CHECK(q.u == std::vector<uint8_t>{128 + 64, 128 - 127, 128 + 32, 128, 128, 128, 128, 128});

  // rows long enough for the vector loop, and its tail
  const int64_t M = 5, K = 70;
  const std::vector<float> r = random_floats(M * K, 12);
  quantize_rows(r.data(), M, K, q);
  for (int64_t m = 0; m < M; ++m) {
    float amax = 0.0f;
    for (int64_t k = 0; k < K; ++k) amax = std::max(amax, std::fabs(r[m * K + k]));
    REQUIRE(q.scales[m] == amax / 127.0f);
    for (int64_t k = 0; k < K; ++k)
      REQUIRE(int{q.u[m * q.k_padded + k]} == 128 + static_cast<int>(std::nearbyint(r[m * K + k] * (127.0f / amax))));
  }
}

TEST_CASE("int8: weights are rounded per output row, and the packing gives back each value", "[kernels][int8]") {
  const int64_t N = 37, K = 70;  // neither a whole panel nor whole groups of 4
  const std::vector<float> w = random_floats(N * K, 11, -0.1f, 0.1f);
  const Int8Weight q(w.data(), N, K);
  for (int64_t n = 0; n < N; ++n) {
    float amax = 0.0f;
    for (int64_t k = 0; k < K; ++k) amax = std::max(amax, std::fabs(w[n * K + k]));
    REQUIRE(q.scales()[n] == amax / 127.0f);
    int32_t sum = 0;
    for (int64_t k = 0; k < K; ++k) {
      const float want = std::nearbyint(w[n * K + k] * (127.0f / amax));
      REQUIRE(q.q(n, k) == static_cast<int>(want));
      sum += q.q(n, k);
    }
    REQUIRE(q.row_sums()[n] == sum);
  }
}

TEST_CASE("int8: the header's example", "[kernels][int8]") {
  const std::vector<float> x = {0.5f, -1.0f}, w = {1.0f, 0.25f};
  QuantizedRows q;
  quantize_rows(x.data(), 1, 2, q);
  const Int8Weight wq(w.data(), 1, 2);
  float y = 0.0f;
  gemm_int8_ref(q, wq, nullptr, &y);
  CHECK(y == Approx((64.0 * 127 - 127.0 * 32) / (127.0 * 127)).epsilon(1e-6));
}

TEST_CASE("int8: every kernel gives the reference loop's bits, over the edges of the tiles", "[kernels][int8]") {
  for (Int8Kernel kernel : kernels_here())
    for (int64_t M : {1, 5, 13, 14, 15, 29})
      for (int64_t N : {1, 31, 32, 33, 70})
        for (int64_t K : {1, 3, 4, 5, 64, 771})
          for (bool with_bias : {false, true}) {
            CAPTURE(to_string(kernel), M, N, K, with_bias);
            const std::vector<float> x = random_floats(M * K, 1), w = random_floats(N * K, 2, -0.2f, 0.2f),
                                     bias = random_floats(N, 3);
            QuantizedRows q;
            quantize_rows(x.data(), M, K, q);
            const Int8Weight wq(w.data(), N, K);
            std::vector<float> want(M * N), got(M * N, NAN);
            gemm_int8_ref(q, wq, with_bias ? bias.data() : nullptr, want.data());
            gemm_int8(q, wq, with_bias ? bias.data() : nullptr, got.data(), kernel);
            REQUIRE(same_floats(got, want));
          }
}

TEST_CASE("int8: the same bits on one thread and on all", "[kernels][int8]") {
  const int64_t M = 70, N = 200, K = 300;
  const std::vector<float> x = random_floats(M * K, 4), w = random_floats(N * K, 5);
  QuantizedRows q;
  quantize_rows(x.data(), M, K, q);
  const Int8Weight wq(w.data(), N, K);
  std::vector<float> all(M * N), one(M * N);
  gemm_int8(q, wq, nullptr, all.data());
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  gemm_int8(q, wq, nullptr, one.data());
  omp_set_num_threads(threads);
  CHECK(same_floats(all, one));
}

// Rounding moves each x by at most s_x/2 and each w by at most s_w/2, so
//   |Σ x·w - Σ x̂·ŵ| <= Σ_k |x_k|·s_w/2 + |w_k|·s_x/2 + s_x·s_w/4.
TEST_CASE("int8: within the rounding error of the float product, and not equal to it", "[kernels][int8]") {
  const int64_t M = 9, N = 40, K = 768;
  const std::vector<float> x = random_floats(M * K, 6), w = random_floats(N * K, 7, -0.05f, 0.05f);
  QuantizedRows q;
  quantize_rows(x.data(), M, K, q);
  const Int8Weight wq(w.data(), N, K);
  std::vector<float> y(M * N);
  gemm_int8(q, wq, nullptr, y.data());
  int64_t differ = 0;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double exact = 0.0, bound = 0.0;
      const double sx = q.scales[m], sw = wq.scales()[n];
      for (int64_t k = 0; k < K; ++k) {
        const double xv = x[m * K + k], wv = w[n * K + k];
        exact += xv * wv;
        bound += std::fabs(xv) * sw / 2 + std::fabs(wv) * sx / 2 + sx * sw / 4;
      }
      const double err = std::fabs(y[m * N + n] - exact);
      REQUIRE(err <= bound * 1.0001 + 1e-6);
      differ += err > 1e-6;
    }
  CHECK(differ > M * N / 2);  // it did round
}

TEST_CASE("int8: a value int8 cannot scale is an error naming its row", "[kernels][int8]") {
  std::vector<float> x = random_floats(4 * 8, 8);
  x[2 * 8 + 5] = NAN;
  QuantizedRows q;
  REQUIRE_THROWS_WITH(quantize_rows(x.data(), 4, 8, q), Catch::Contains("row 2 of the [4, 8] input"));
  x[2 * 8 + 5] = INFINITY;
  REQUIRE_THROWS_WITH(quantize_rows(x.data(), 4, 8, q), Catch::Contains("row 2"));
  std::vector<float> w = random_floats(3 * 8, 9);
  w[8] = -INFINITY;
  REQUIRE_THROWS_WITH(Int8Weight(w.data(), 3, 8), Catch::Contains("weight row 1"));
  const Int8Weight ok(random_floats(3 * 6, 9).data(), 3, 6);
  std::vector<float> y(12);
  x[2 * 8 + 5] = 0.0f;
  quantize_rows(x.data(), 4, 7, q);  // 7 features, the weight has 6
  REQUIRE_THROWS_WITH(gemm_int8(q, ok, nullptr, y.data()), Catch::Contains("x has 7 features, the weight 6"));
}
