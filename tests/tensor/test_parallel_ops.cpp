// The parallel ops (softmax, layer_norm, gelu, permute, dropout) give bitwise the same values
// and gradients on 1 and on 2 threads, on tensors large enough to be shared out (>= 2^16 values).
#include <catch2/catch.hpp>
#include <omp.h>

#include <functional>

#include "tensor/ops.h"
#include "tensor/random.h"

using namespace bertlab;

namespace {

struct Result {
  std::vector<float> out, grad;
};

// y = op(x) and the gradient of sum(y · w) for a fixed random w, on `threads` threads; the
// gradients of x and of `params`, one after the other.
Result run(const std::function<Tensor(const Tensor&)>& op, const Shape& shape, int threads,
           const std::vector<Tensor>& params = {}) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  Generator gen(7);
  Tensor x = Tensor::randn(shape, gen).requires_grad_();
  for (const Tensor& p : params) p.zero_grad();
  Tensor y = op(x);
  Tensor w = Tensor::randn(y.shape(), gen);
  sum(mul(y, w)).backward();
  omp_set_num_threads(saved);
  Result result{y.to_vector(), x.grad().to_vector()};
  for (const Tensor& p : params) {
    const std::vector<float> g = p.grad().to_vector();
    result.grad.insert(result.grad.end(), g.begin(), g.end());
  }
  return result;
}

}  // namespace

TEST_CASE("parallel ops: the same bits on 1 and 2 threads", "[ops][parallel]") {
  const Shape shape{4, 3, 100, 65};  // 78,000 values, odd row length
  Generator gen(1);
  const Tensor mask = Tensor::randn({4, 1, 1, 65}, gen);
  const Tensor weight = Tensor::randn({65}, gen), bias = Tensor::randn({65}, gen);
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> ops = {
      {"softmax", [&](const Tensor& x) { return softmax(x, mask); }},
      {"layer_norm", [&](const Tensor& x) { return layer_norm(x, weight, bias, 1e-12f); }},
      {"gelu", [](const Tensor& x) { return gelu(x); }},
      {"gelu_tanh", [](const Tensor& x) { return gelu(x, GeluApproximation::tanh); }},
      {"permute", [](const Tensor& x) { return permute(x, {0, 2, 1, 3}); }},
      {"transpose", [](const Tensor& x) { return transpose(x, 1, 3); }},
      {"dropout", [](const Tensor& x) {
         Generator g(9);
         return dropout(x, 0.1f, true, g);
       }},
  };
  for (const auto& [name, op] : ops) {
    CAPTURE(name);
    const Result one = run(op, shape, 1), two = run(op, shape, 2);
    REQUIRE(one.out == two.out);
    REQUIRE(one.grad == two.grad);
  }
}

TEST_CASE("parallel ops: layer_norm's dweight and dbias are the same bits on 1 and 2 threads", "[ops][parallel]") {
  const Shape shape{3, 200, 130};  // 600 rows: 10 blocks of rows, the last one short
  Generator gen(2);
  const Tensor weight = Tensor::randn({130}, gen).requires_grad_(), bias = Tensor::randn({130}, gen).requires_grad_();
  const auto op = [&](const Tensor& x) { return layer_norm(x, weight, bias, 1e-12f); };
  const Result one = run(op, shape, 1, {weight, bias}), two = run(op, shape, 2, {weight, bias});
  REQUIRE(one.grad.size() == 3 * 200 * 130 + 2 * 130);
  REQUIRE(one.grad == two.grad);
}
