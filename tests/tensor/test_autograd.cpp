// The autograd engine: accumulation, diamonds, no_grad, detach, graph release, and a small MLP
// that actually learns.
#include <catch2/catch.hpp>

#include <functional>
#include <utility>
#include <vector>

#include "tensor/autograd.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"

using namespace bertlab;
using bertlab::testing::AllClose;

TEST_CASE("autograd: a tensor used twice accumulates both contributions", "[autograd]") {
  Tensor x = Tensor::from_vector({3.0f}, {1}).requires_grad_();
  Tensor y = sum(mul(x, x));  // y = x², dy/dx = 2x = 6
  y.backward();
  CHECK(x.grad().item() == Approx(6.0f));
}

TEST_CASE("autograd: diamond graph sums the paths", "[autograd]") {
  // a = 2x, b = 3x, y = a·b = 6x²  =>  dy/dx = 12x = 24 at x = 2
  Tensor x = Tensor::from_vector({2.0f}, {1}).requires_grad_();
  Tensor a = scale(x, 2.0f), b = scale(x, 3.0f);
  sum(mul(a, b)).backward();
  CHECK(x.grad().item() == Approx(24.0f));
}

TEST_CASE("autograd: gradients accumulate across backward calls until zero_grad", "[autograd]") {
  Tensor x = Tensor::from_vector({1.0f, 2.0f}, {2}).requires_grad_();
  sum(scale(x, 5.0f)).backward();  // d/dx Σ 5x = 5
  sum(scale(x, 5.0f)).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{10.0f, 10.0f});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
  sum(scale(x, 5.0f)).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{5.0f, 5.0f});
}

TEST_CASE("autograd: each op's backward writes a fresh gradient and adds to one already there", "[autograd]") {
  // A backward gets x's gradient buffer either fresh (uninitialized: it must write every element)
  // or holding what an earlier backward left (it must add). For each op: the gradients of two
  // separate backward passes, each from nothing, must add up to what the two passes leave when
  // run one after the other.
  Generator gen(5);
  Tensor x = Tensor::randn({3, 4, 70}, gen).requires_grad_();  // rows of 70: SIMD bodies and tails
  const Tensor w = Tensor::randn({70}, gen), b = Tensor::randn({70}, gen), W = Tensor::randn({5, 70}, gen);
  const IntTensor targets({3, -100, 0, 69, -100, 1, 2, -100, 4, 5, 6, -100}, {12});
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> ops = {
      {"gelu", [](const Tensor& t) { return gelu(t); }},
      {"tanh", [](const Tensor& t) { return tanh(t); }},
      {"softmax", [](const Tensor& t) { return softmax(t); }},
      {"layer_norm", [&](const Tensor& t) { return layer_norm(t, w, b, 1e-12f); }},
      {"dropout", [](const Tensor& t) { Generator g(9); return dropout(t, 0.3f, true, g); }},  // the same mask each time
      {"permute", [](const Tensor& t) { return permute(t, {2, 0, 1}); }},
      {"reshape", [](const Tensor& t) { return reshape(t, {12, 70}); }},
      {"add", [](const Tensor& t) { return add(t, Tensor::ones({70})); }},
      {"linear", [&](const Tensor& t) { return linear(t, W, Tensor()); }},
      {"cross_entropy", [&](const Tensor& t) { return cross_entropy(reshape(t, {12, 70}), targets); }},
  };
  for (const auto& [name, f] : ops) {
    INFO(name);
    const auto grad_of = [&](uint64_t seed) {  // x's gradient for a random dout, from nothing
      x.zero_grad();
      const Tensor y = f(x);
      Generator g(seed);
      y.backward(Tensor::randn(y.shape(), g));
      return x.grad().clone();
    };
    const Tensor g1 = grad_of(1), g2 = grad_of(2);
    x.zero_grad();
    for (uint64_t seed : {1, 2}) {
      const Tensor y = f(x);
      Generator g(seed);
      y.backward(Tensor::randn(y.shape(), g));
    }
    CHECK_THAT(x.grad(), AllClose(add(g1, g2), 1e-6, 1e-6));
  }
}

TEST_CASE("autograd: NoGradGuard records nothing and detach cuts the graph", "[autograd]") {
  Tensor x = Tensor::from_vector({1.0f}, {1}).requires_grad_();
  {
    NoGradGuard guard;
    Tensor y = scale(x, 2.0f);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
  }
  Tensor d = scale(x, 2.0f).detach();
  CHECK_FALSE(d.requires_grad());
  Tensor y = mul(x, d);  // d is a constant 2: dy/dx = 2
  sum(y).backward();
  CHECK(x.grad().item() == Approx(2.0f));
}

TEST_CASE("autograd: the graph and intermediate grads are released after backward", "[autograd]") {
  Tensor x = Tensor::from_vector({1.0f, 2.0f}, {2}).requires_grad_();
  Tensor h = tanh(x);
  std::weak_ptr<Node> node = h.grad_fn();
  Tensor loss = sum(h);
  REQUIRE_FALSE(node.expired());
  loss.backward();
  CHECK(node.expired());           // h's node is gone even though h itself is still alive
  CHECK_FALSE(h.grad().defined()); // non-leaf tensors keep no grad, as in PyTorch
  CHECK(x.grad().defined());
}

TEST_CASE("autograd: backward needs a scalar or an explicit gradient", "[autograd]") {
  Tensor x = Tensor::from_vector({1.0f, 2.0f}, {2}).requires_grad_();
  Tensor y = scale(x, 3.0f);
  REQUIRE_THROWS_WITH(y.backward(), Catch::Contains("expected a scalar"));
  y.backward(Tensor::from_vector({1.0f, -1.0f}, {2}));
  CHECK(x.grad().to_vector() == std::vector<float>{3.0f, -3.0f});
}

TEST_CASE("autograd: to_dot shows ops with shapes and named leaves", "[autograd]") {
  Tensor w = Tensor::ones({2, 3}).requires_grad_();
  w.set_name("dense.weight");
  Tensor x = Tensor::ones({4, 3});
  const std::string dot = to_dot(sum(linear(x, w, Tensor())));
  CHECK_THAT(dot, Catch::Contains("linear\\n[4, 2]") && Catch::Contains("dense.weight\\n[2, 3]") &&
                      Catch::Contains("digraph"));
}

TEST_CASE("autograd: a small MLP learns XOR to near-zero loss", "[autograd]") {
  // 4 points of XOR, a 2-16-2 tanh MLP trained with plain gradient descent on cross-entropy.
  Generator gen(7);
  Tensor w1 = Tensor::randn({16, 2}, gen, 0.0f, 1.0f).requires_grad_();
  Tensor b1 = Tensor::zeros({16}).requires_grad_();
  Tensor w2 = Tensor::randn({2, 16}, gen, 0.0f, 0.5f).requires_grad_();
  Tensor b2 = Tensor::zeros({2}).requires_grad_();
  const Tensor x = Tensor::from_vector({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
  const IntTensor y({0, 1, 1, 0}, {4});
  float loss_value = 0.0f;
  for (int step = 0; step < 500; ++step) {
    Tensor loss = cross_entropy(linear(tanh(linear(x, w1, b1)), w2, b2), y);
    loss_value = loss.item();
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->zero_grad();
    loss.backward();
    for (Tensor* p : {&w1, &b1, &w2, &b2})
      for (int64_t i = 0; i < p->numel(); ++i) p->data()[i] -= 0.5f * p->grad().data()[i];
  }
  CHECK(loss_value < 0.01f);
}
