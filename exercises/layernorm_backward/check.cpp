// Grades exercises/layernorm_backward: random rows against autograd through the library's
// layer_norm, and against central differences of the forward, for dx, dweight and dbias.
#include "exercises/grader.h"
#include "exercises/layernorm_backward/layernorm_backward.h"
#include "tensor/ops.h"       // defines: layer_norm

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "layernorm_backward", "tensor/kernels/layer_norm.cpp › layer_norm_row_backward_ref");
  const float eps = 1e-5f;

  grader.check("weight 1, dy = 1 everywhere: dx = 0 (shifting every y of a row is free), dbias = 3 (the rows)", [&] {
    Generator gen(1);
    const Tensor x = random_tensor({3, 5}, gen);
    const LayerNormGrads g = layernorm_backward(x, Tensor::ones({5}), Tensor::ones({3, 5}), eps);
    if (std::string p = compare(g.dx, Tensor::zeros({3, 5}), 1e-5); !p.empty()) return "dx: " + p;
    const std::string p = compare(g.dbias, Tensor::full({5}, 3), 1e-6);
    return p.empty() ? p : "dbias: " + p;
  });
  for (const Shape& shape : {Shape{1, 4}, Shape{6, 8}, Shape{2, 5, 32}}) {
    const std::string dims = fmt::format("[{}]", fmt::join(shape, ", "));
    const int64_t n = shape.back();
    Generator gen(n + shape.size());
    Tensor x = random_tensor(shape, gen, 2.0f), weight = random_tensor({n}, gen), bias = random_tensor({n}, gen);
    const Tensor dy = random_tensor(shape, gen);
    for (Tensor* t : {&x, &weight, &bias}) t->requires_grad_();
    layer_norm(x, weight, bias, eps).backward(dy);
    LayerNormGrads mine;
    std::string threw;  // your function runs once; each check below reports what it threw
    try {
      mine = layernorm_backward(x.detach(), weight.detach(), dy, eps);
    } catch (const std::exception& e) {
      threw = fmt::format("threw: {}", e.what());
    }
    grader.check(fmt::format("random {}: dx against autograd through the library's layer_norm", dims),
                 [&] { return threw.empty() ? compare(mine.dx, x.grad(), 1e-5, 1e-4) : threw; });
    grader.check(fmt::format("random {}: dweight against autograd", dims),
                 [&] { return threw.empty() ? compare(mine.dweight, weight.grad(), 1e-5, 1e-4) : threw; });
    grader.check(fmt::format("random {}: dbias against autograd", dims),
                 [&] { return threw.empty() ? compare(mine.dbias, bias.grad(), 1e-5, 1e-4) : threw; });
    grader.check(fmt::format("random {}: dx against central differences of Σ layer_norm(x)·dy", dims), [&] {
      const Tensor numeric = numerical_gradient(
          [&](const Tensor& probe) { return dot(layer_norm(probe, weight.detach(), bias.detach(), eps), dy); }, x.detach());
      return threw.empty() ? compare(mine.dx, numeric, 2e-3, 2e-2) : threw;
    });
  }
  return grader.finish();
}
