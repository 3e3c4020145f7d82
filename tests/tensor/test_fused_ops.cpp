// The fused ops (softmax, layer_norm, gelu, cross_entropy, embedding, dropout), each checked
// against hand-computed values, against a "composite twin" built from primitive ops (whose
// gradients autograd derives on its own), and by gradcheck.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

namespace {

const float kInf = std::numeric_limits<float>::infinity();

// Runs f (fused) and twin (composite) on the same inputs with the same dout and compares both
// the outputs and the input gradients.
void check_against_twin(const TensorFn& fused, const TensorFn& twin, std::vector<Tensor> inputs) {
  Generator gen(99);
  std::vector<Tensor> grads;
  Tensor outs[2];
  for (int k = 0; k < 2; ++k) {
    for (Tensor& x : inputs) x.zero_grad();
    outs[k] = (k == 0 ? fused : twin)(inputs);
    Generator dgen(42);
    outs[k].backward(Tensor::randn(outs[k].shape(), dgen));
    for (Tensor& x : inputs) grads.push_back(x.requires_grad() ? x.grad() : Tensor());
  }
  CHECK_THAT(outs[0], AllClose(outs[1], 1e-5, 1e-4));
  const size_t n = inputs.size();
  for (size_t i = 0; i < n; ++i)
    if (grads[i].defined()) CHECK_THAT(grads[i], AllClose(grads[n + i], 1e-5, 1e-4));
}

}  // namespace

// ---- softmax ----------------------------------------------------------------------------------

TEST_CASE("softmax: values, mask gives exact zeros", "[ops][softmax]") {
  // softmax([0, ln 3]) = [1/4, 3/4]
  Tensor x = Tensor::from_vector({0.0f, std::log(3.0f)}, {1, 2});
  CHECK_THAT(softmax(x), AllClose(Tensor::from_vector({0.25f, 0.75f}, {1, 2})));
  // scores [B=1, N=2, S=2, S=3] with mask [1, 1, 1, 3] dropping the last key
  Generator gen(1);
  Tensor scores = Tensor::randn({1, 2, 2, 3}, gen);
  Tensor mask = Tensor::from_vector({0.0f, 0.0f, -kInf}, {1, 1, 1, 3});
  Tensor p = softmax(scores, mask);
  for (int r = 0; r < 4; ++r) {
    CHECK(p.data()[r * 3 + 2] == 0.0f);
    CHECK(p.data()[r * 3] + p.data()[r * 3 + 1] == Approx(1.0f));
  }
  REQUIRE_THROWS_WITH(softmax(scores, Tensor::zeros({1, 1, 1, 2})), Catch::Contains("mask"));
}

TEST_CASE("softmax: fused equals its composite twin, and gradcheck", "[ops][softmax][gradcheck]") {
  const int64_t n = GENERATE(1, 3, 17, 33, 100);
  Tensor x = randn_param({2, 3, n}, 2);
  Tensor mask = Tensor::zeros({2, 1, n});
  if (n > 1) mask.data()[0] = -kInf;  // batch 0 drops key 0 (a fully masked row has no softmax)
  check_against_twin([&](const auto& in) { return softmax(in[0], mask); },
                     [&](const auto& in) {
                       // exp(x + m) / Σ exp(x + m); fine unshifted for randn inputs
                       Tensor e = exp(add(in[0], mask));
                       return div(e, sum(e, -1, true));
                     },
                     {x});
  gradcheck([&](const auto& in) { return softmax(in[0], mask); }, {x});
}

// ---- layer_norm -------------------------------------------------------------------------------

TEST_CASE("layer_norm: values by hand", "[ops][layer_norm]") {
  // x = [1, 3]: mean 2, var 1 -> x̂ = [-1, 1]; y = x̂ · [2, 3] + [0.5, 0.5]
  Tensor x = Tensor::from_vector({1, 3}, {1, 2});
  Tensor y = layer_norm(x, Tensor::from_vector({2, 3}, {2}), Tensor::from_vector({0.5f, 0.5f}, {2}), 0.0f);
  CHECK_THAT(y, AllClose(Tensor::from_vector({-1.5f, 3.5f}, {1, 2})));
  REQUIRE_THROWS_WITH(layer_norm(x, Tensor::ones({3}), Tensor::zeros({3}), 1e-12f),
                      Catch::Contains("expected weight and bias [2]"));
}

TEST_CASE("layer_norm: fused equals its composite twin, and gradcheck", "[ops][layer_norm][gradcheck]") {
  // n = 1 is left out: there x̂ = 0 and rstd = 1/√eps ≈ 316 magnifies rounding in dx.
  const int64_t n = GENERATE(3, 17, 33, 100);
  const float eps = 1e-5f;
  Tensor x = randn_param({2, 3, n}, 3), w = randn_param({n}, 4), b = randn_param({n}, 5);
  check_against_twin([&](const auto& in) { return layer_norm(in[0], in[1], in[2], eps); },
                     [&](const auto& in) {
                       Tensor centered = sub(in[0], mean(in[0], -1, true));
                       Tensor var = mean(mul(centered, centered), -1, true);  // biased
                       Tensor xhat = div(centered, sqrt(add(var, Tensor::scalar(eps))));
                       return add(mul(xhat, in[1]), in[2]);
                     },
                     {x, w, b});
  // h = 1e-2: a row of 100 normalised values makes the float32 fake loss noisy at h = 1e-3
  // (rounding ~1e-7·|L| / h), and layer_norm is smooth, so the larger step costs no accuracy.
  gradcheck([&](const auto& in) { return layer_norm(in[0], in[1], in[2], eps); }, {x, w, b}, 2e-3, 2e-2, 1e-2f);
}

// ---- gelu -------------------------------------------------------------------------------------

TEST_CASE("gelu: exact and tanh forms against their composite twins", "[ops][gelu][gradcheck]") {
  // gelu(1) = Φ(1) = 0.8413447461; gelu_tanh(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.8411920
  CHECK(gelu(Tensor::ones({1})).item() == Approx(0.8413447461f));
  CHECK(gelu(Tensor::ones({1}), GeluApproximation::tanh).item() == Approx(0.8411920f).epsilon(1e-6));
  const int64_t n = GENERATE(1, 3, 17, 33, 100);
  Tensor x = randn_param({n}, 6);
  check_against_twin([](const auto& in) { return gelu(in[0]); },
                     [](const auto& in) {  // 0.5 x (1 + erf(x / √2))
                       return mul(scale(in[0], 0.5f),
                                  add(Tensor::scalar(1.0f), erf(scale(in[0], 0.70710678118654752f))));
                     },
                     {x});
  check_against_twin([](const auto& in) { return gelu(in[0], GeluApproximation::tanh); },
                     [](const auto& in) {  // 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))
                       Tensor cube = mul(mul(in[0], in[0]), in[0]);
                       Tensor u = scale(add(in[0], scale(cube, 0.044715f)), 0.7978845608028654f);
                       return mul(scale(in[0], 0.5f), add(Tensor::scalar(1.0f), tanh(u)));
                     },
                     {x});
  gradcheck([](const auto& in) { return gelu(in[0]); }, {x});
  gradcheck([](const auto& in) { return gelu(in[0], GeluApproximation::tanh); }, {x});
}

// ---- cross_entropy ----------------------------------------------------------------------------

TEST_CASE("cross_entropy: value by hand, ignore_index, all ignored is NaN", "[ops][cross_entropy]") {
  // logits [0, ln 3] with target 1: -log(3/4) = 0.2876821
  Tensor logits = Tensor::from_vector({0.0f, std::log(3.0f), 5.0f, 5.0f}, {2, 2});
  CHECK(cross_entropy(logits, IntTensor({1, -100}, {2})).item() == Approx(0.2876821f));
  // mean over the two counted rows: (0.2876821 + ln 2) / 2
  CHECK(cross_entropy(logits, IntTensor({1, 0}, {2})).item() == Approx((0.2876821f + std::log(2.0f)) / 2));
  CHECK(std::isnan(cross_entropy(logits, IntTensor({-100, -100}, {2})).item()));
  REQUIRE_THROWS_WITH(cross_entropy(logits, IntTensor({2, 0}, {2})), Catch::Contains("target out of range"));
}

TEST_CASE("cross_entropy: fused equals its composite twin, and gradcheck", "[ops][cross_entropy][gradcheck]") {
  const int64_t C = GENERATE(1, 3, 17, 100);
  const IntTensor targets({0, -100, C - 1, C / 2, -100}, {5});
  Tensor onehot = Tensor::zeros({5, C});  // rows with ignore_index stay all zero
  for (int r = 0; r < 5; ++r)
    if (targets.data[r] >= 0) onehot.data()[r * C + targets.data[r]] = 1.0f;
  Tensor logits = randn_param({5, C}, 7);
  check_against_twin([&](const auto& in) { return cross_entropy(in[0], targets); },
                     [&](const auto& in) {  // -Σ onehot · log softmax / (number of counted rows = 3)
                       return scale(sum(mul(onehot, log(softmax(in[0])))), -1.0f / 3.0f);
                     },
                     {logits});
  gradcheck([&](const auto& in) { return cross_entropy(in[0], targets); }, {logits});
}

TEST_CASE("cross_entropy: gradcheck with another ignore_index (QA ignores position S)", "[ops][cross_entropy][gradcheck]") {
  const int64_t S = 6;  // QA logits [B, S]: a start position clamped to S means "not in this window"
  const IntTensor targets({0, S, S - 1, 2, S}, {5});
  Tensor logits = randn_param({5, S}, 13);
  // -Σ over the counted rows 0, 2, 3 of log softmax at the target, / 3
  Tensor onehot = Tensor::zeros({5, S});
  for (int r : {0, 2, 3}) onehot.data()[r * S + targets.data[r]] = 1.0f;
  CHECK(cross_entropy(logits, targets, S).item() ==
        Approx(scale(sum(mul(onehot, log(softmax(logits)))), -1.0f / 3.0f).item()).epsilon(1e-5));
  gradcheck([&](const auto& in) { return cross_entropy(in[0], targets, S); }, {logits});
}

// ---- embedding --------------------------------------------------------------------------------

TEST_CASE("embedding: gathers rows, scatter-adds gradients, skips padding_idx", "[ops][embedding]") {
  Tensor weight = Tensor::from_vector({0, 0, 1, 1, 2, 2}, {3, 2}).requires_grad_();  // row v = [v, v]
  const IntTensor ids({2, 0, 2, 1}, {2, 2});
  Tensor out = embedding(ids, weight, /*padding_idx=*/0);
  CHECK(out.shape() == Shape{2, 2, 2});
  CHECK(out.to_vector() == std::vector<float>{2, 2, 0, 0, 2, 2, 1, 1});
  sum(out).backward();
  // row 2 used twice -> grad 2; row 1 once -> 1; row 0 is padding -> 0
  CHECK(weight.grad().to_vector() == std::vector<float>{0, 0, 1, 1, 2, 2});
  REQUIRE_THROWS_WITH(embedding(IntTensor({3}, {1}), weight), Catch::Contains("id out of range") &&
                                                                  Catch::Contains("got 3"));
}

TEST_CASE("embedding: gradcheck", "[ops][embedding][gradcheck]") {
  const IntTensor ids({1, 4, 1, 0, 3, 3}, {2, 3});
  Tensor weight = randn_param({5, 17}, 8);
  gradcheck([&](const auto& in) { return embedding(ids, in[0]); }, {weight});
}

// ---- dropout ----------------------------------------------------------------------------------

TEST_CASE("dropout: eval is identity, training keeps the mean and reuses its mask", "[ops][dropout]") {
  Generator gen(3);
  Tensor x = Tensor::ones({100000}).requires_grad_();
  CHECK(dropout(x, 0.1f, false, gen).data() == x.data());  // eval: the same tensor
  Tensor y = dropout(x, 0.1f, true, gen);
  int64_t zeros = 0;
  for (float v : y.to_vector()) {
    zeros += v == 0.0f;
    if (v != 0.0f) REQUIRE(v == Approx(1.0f / 0.9f));
  }
  CHECK(zeros / 100000.0 == Approx(0.1).margin(0.005));  // ~10% dropped (σ ≈ 0.001)
  CHECK(mean(y).item() == Approx(1.0f).margin(0.01));     // expectation preserved
  sum(y).backward();
  // backward uses the forward mask: dx = y / x exactly where x = 1
  CHECK(x.grad().to_vector() == y.to_vector());
  Generator a(5), b(5);
  CHECK(dropout(x, 0.5f, true, a).to_vector() == dropout(x, 0.5f, true, b).to_vector());  // seeded
}

TEST_CASE("dropout: gradcheck with a seeded generator (the same mask on every call)", "[ops][dropout][gradcheck]") {
  const auto f = [](const std::vector<Tensor>& in) {
    Generator gen(21);
    return dropout(in[0], 0.3f, true, gen);
  };
  Tensor x = randn_param({3, 40}, 22);
  const std::vector<float> y = f({x}).to_vector();
  REQUIRE(std::count(y.begin(), y.end(), 0.0f) > 0);  // some dropped, so the mask is under test
  gradcheck(f, {x});
}
