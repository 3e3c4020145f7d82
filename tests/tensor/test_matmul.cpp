#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

namespace {
// The textbook definition, independent of the GEMM kernel: out[b, i, j] = Σ_k A[b, i, k] B[b, k, j].
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
  const int64_t batch = a.numel() / (a.size(-2) * a.size(-1)), M = a.size(-2), K = a.size(-1), N = b.size(-1);
  const bool shared = b.dim() == 2;
  Shape shape = a.shape();
  shape.back() = N;
  Tensor out = Tensor::zeros(shape);
  for (int64_t t = 0; t < batch; ++t)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j)
        for (int64_t k = 0; k < K; ++k)
          out.data()[(t * M + i) * N + j] +=
              a.data()[(t * M + i) * K + k] * b.data()[(shared ? 0 : t * K * N) + k * N + j];
  return out;
}
}  // namespace

TEST_CASE("matmul: a 2x2 example by hand", "[ops]") {
  // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
  Tensor a = Tensor::from_vector({1, 2, 3, 4}, {2, 2}), b = Tensor::from_vector({5, 6, 7, 8}, {2, 2});
  CHECK(matmul(a, b).to_vector() == std::vector<float>{19, 22, 43, 50});
  CHECK(matmul(a, b, true).to_vector() == std::vector<float>{26, 30, 38, 44});  // aᵀ·b
  CHECK(matmul(a, b, false, true).to_vector() == std::vector<float>{17, 23, 39, 53});  // a·bᵀ
}

TEST_CASE("matmul: batched and transposed operands agree with the naive definition", "[ops]") {
  const auto [M, K, N] = GENERATE(table<int64_t, int64_t, int64_t>({{1, 1, 1}, {3, 17, 5}, {33, 7, 100}}));
  const bool shared_b = GENERATE(false, true);
  CAPTURE(M, K, N, shared_b);
  Generator gen(8);
  Tensor a = Tensor::randn({2, 3, M, K}, gen);
  Tensor b = shared_b ? Tensor::randn({K, N}, gen) : Tensor::randn({2, 3, K, N}, gen);
  const Tensor want = naive_matmul(a, b);
  CHECK_THAT(matmul(a, b), AllClose(want));
  CHECK_THAT(matmul(a.transpose(-1, -2), b, true, false), AllClose(want));
  CHECK_THAT(matmul(a, b.transpose(-1, -2), false, true), AllClose(want));
  CHECK_THAT(matmul(a.transpose(-1, -2), b.transpose(-1, -2), true, true), AllClose(want));
}

TEST_CASE("matmul: shape errors name both shapes", "[ops]") {
  REQUIRE_THROWS_WITH(matmul(Tensor::zeros({2, 8, 32}), Tensor::zeros({64, 32})),
                      Catch::Contains("inner dimensions differ") && Catch::Contains("[2, 8, 32] and [64, 32]"));
  REQUIRE_THROWS_WITH(matmul(Tensor::zeros({2, 3, 4}), Tensor::zeros({3, 4, 5})),
                      Catch::Contains("batch dimensions differ"));
}

TEST_CASE("matmul: gradients for every transpose combination", "[ops][gradcheck]") {
  const bool ta = GENERATE(false, true), tb = GENERATE(false, true), shared_b = GENERATE(false, true);
  CAPTURE(ta, tb, shared_b);
  const int64_t M = 3, K = 4, N = 5;
  Tensor a = randn_param(ta ? Shape{2, K, M} : Shape{2, M, K}, 9);
  Shape bs = tb ? Shape{N, K} : Shape{K, N};
  if (!shared_b) bs.insert(bs.begin(), 2);
  Tensor b = randn_param(bs, 10);
  gradcheck([ta, tb](const auto& in) { return matmul(in[0], in[1], ta, tb); }, {a, b});
}

TEST_CASE("matmul: alpha scales the product exactly as a separate scale op, forward and backward", "[ops][gradcheck]") {
  const bool ta = GENERATE(false, true), tb = GENERATE(false, true);
  CAPTURE(ta, tb);
  const float alpha = 0.17677669f;  // 1/√32, attention's scale for 32-wide heads
  Tensor a = randn_param(ta ? Shape{2, 33, 7} : Shape{2, 7, 33}, 11), b = randn_param(tb ? Shape{2, 9, 33} : Shape{2, 33, 9}, 12);
  Generator gen(13);
  const Tensor dout = Tensor::randn({2, 7, 9}, gen);
  const auto grads = [&](const Tensor& out) {
    a.zero_grad(), b.zero_grad();
    sum(mul(out, dout)).backward();
    return std::vector<std::vector<float>>{out.to_vector(), a.grad().to_vector(), b.grad().to_vector()};
  };
  const auto fused = grads(matmul(a, b, ta, tb, alpha));
  const auto separate = grads(scale(matmul(a, b, ta, tb), alpha));
  CHECK(fused == separate);  // bit for bit: the same GEMMs, the same single rounding of the scale
  gradcheck([&](const auto& in) { return matmul(in[0], in[1], ta, tb, alpha); }, {a, b});
}

TEST_CASE("linear: x Wᵀ + b by hand and its gradients", "[ops][gradcheck]") {
  // x = [1, 2], W = [[1, 0], [0, 1], [1, 1]], b = [0, 10, 100] -> [1, 12, 103]
  Tensor x = Tensor::from_vector({1, 2}, {1, 2}), w = Tensor::from_vector({1, 0, 0, 1, 1, 1}, {3, 2});
  CHECK(linear(x, w, Tensor::from_vector({0, 10, 100}, {3})).to_vector() == std::vector<float>{1, 12, 103});
  CHECK(linear(x, w, Tensor()).to_vector() == std::vector<float>{1, 2, 3});
  REQUIRE_THROWS_WITH(linear(x, Tensor::zeros({3, 5}), Tensor()), Catch::Contains("[1, 2] and [3, 5]"));

  Tensor xs = randn_param({2, 3, 7}, 11), ws = randn_param({5, 7}, 12), bs = randn_param({5}, 13);
  gradcheck([](const auto& in) { return linear(in[0], in[1], in[2]); }, {xs, ws, bs});
}

TEST_CASE("linear: rows of dout that are all zero (a masked-LM loss's ignored positions) give the same gradients",
          "[ops]") {
  // x [2, 4, 5] (R = 8 rows), W [3, 5]. dout's rows 1, 2, 5 and 6 are zeros, as the logits of
  // positions a loss ignores; backward then multiplies only the other rows. Expected: the
  // definitions dx = dout·W, dW = doutᵀ·x, db = Σ_rows dout, computed here by plain loops.
  const int64_t R = 8, in = 5, out = 3;
  Tensor x = randn_param({2, 4, in}, 21), w = randn_param({out, in}, 22), b = randn_param({out}, 23);
  const auto dout_with_zero_rows = [&](uint64_t seed, std::vector<int64_t> zero_rows) {
    Generator gen(seed);
    Tensor d = Tensor::randn({2, 4, out}, gen);
    for (int64_t r : zero_rows) std::fill_n(d.data() + r * out, out, 0.0f);
    return d;
  };
  const auto expected = [&](const Tensor& d) {  // {dx, dW, db} by definition
    Tensor dx = Tensor::zeros(x.shape()), dw = Tensor::zeros(w.shape()), db = Tensor::zeros(b.shape());
    for (int64_t r = 0; r < R; ++r)
      for (int64_t j = 0; j < out; ++j) {
        const float g = d.data()[r * out + j];
        db.data()[j] += g;
        for (int64_t k = 0; k < in; ++k) {
          dx.data()[r * in + k] += g * w.data()[j * in + k];
          dw.data()[j * in + k] += g * x.data()[r * in + k];
        }
      }
    return std::vector<Tensor>{dx, dw, db};
  };
  const auto check_grads = [&](const std::vector<Tensor>& want) {
    CHECK_THAT(x.grad(), AllClose(want[0], 1e-5, 1e-5));
    CHECK_THAT(w.grad(), AllClose(want[1], 1e-5, 1e-5));
    CHECK_THAT(b.grad(), AllClose(want[2], 1e-5, 1e-5));
  };

  SECTION("fresh gradients: the zero rows of dx are zeros") {
    const Tensor d = dout_with_zero_rows(31, {1, 2, 5, 6});
    linear(x, w, b).backward(d);
    check_grads(expected(d));
    for (int64_t r : {1, 2, 5, 6})
      for (int64_t k = 0; k < in; ++k) CHECK(x.grad().data()[r * in + k] == 0.0f);
  }
  SECTION("added to gradients an earlier backward left") {
    const Tensor dense = dout_with_zero_rows(32, {}), sparse = dout_with_zero_rows(33, {0, 3, 7});
    linear(x, w, b).backward(dense);
    linear(x, w, b).backward(sparse);
    const std::vector<Tensor> a = expected(dense), c = expected(sparse);
    check_grads({add(a[0], c[0]), add(a[1], c[1]), add(a[2], c[2])});
  }
  SECTION("every row zero: zero gradients") {
    linear(x, w, b).backward(Tensor::zeros({2, 4, out}));
    check_grads({Tensor::zeros(x.shape()), Tensor::zeros(w.shape()), Tensor::zeros(b.shape())});
  }
  SECTION("a NaN in a row keeps that row") {
    Tensor d = dout_with_zero_rows(34, {0, 1, 2, 3, 4, 5, 6, 7});
    d.data()[4 * out + 1] = std::numeric_limits<float>::quiet_NaN();
    linear(x, w, b).backward(d);
    CHECK(std::isnan(x.grad().data()[4 * in]));
    CHECK(x.grad().data()[3 * in] == 0.0f);
    CHECK(std::isnan(w.grad().data()[1 * in]));
  }
}
