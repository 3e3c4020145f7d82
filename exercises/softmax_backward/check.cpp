// Grades exercises/softmax_backward: a case worked out by hand, then random rows against autograd
// through the library's softmax and against central differences of the forward.
#include "exercises/grader.h"
#include "exercises/softmax_backward/softmax_backward.h"
#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/ops.h"       // defines: softmax

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "softmax_backward", "tensor/kernels/softmax.cpp › softmax_row_backward_ref");

  grader.check("y = [0.25, 0.75], dy = [1, 0] -> dx = [0.1875, -0.1875]", [&] {
    return compare(softmax_backward(Tensor::from_vector({0.25f, 0.75f}, {2}), Tensor::from_vector({1, 0}, {2})),
                   Tensor::from_vector({0.1875f, -0.1875f}, {2}), 1e-7);
  });
  grader.check("the same dy on every entry moves nothing: dy = [3, 3, 3] -> dx = 0", [&] {
    return compare(softmax_backward(Tensor::from_vector({0.2f, 0.3f, 0.5f}, {1, 3}), Tensor::full({1, 3}, 3.0f)),
                   Tensor::zeros({1, 3}), 1e-6);
  });
  for (const Shape& shape : {Shape{5}, Shape{3, 7}, Shape{2, 4, 26}}) {
    const std::string dims = fmt::format("[{}]", fmt::join(shape, ", "));
    Generator gen(shape.back());
    Tensor x = random_tensor(shape, gen);
    const Tensor dy = random_tensor(shape, gen);
    x.requires_grad_();
    const Tensor y = softmax(x);
    y.backward(dy);
    const Tensor y_values = y.detach();
    grader.check(fmt::format("random {} against autograd through the library's softmax", dims),
                 [&] { return compare(softmax_backward(y_values, dy), x.grad(), 1e-6, 1e-5); });
    grader.check(fmt::format("random {} against central differences of Σ softmax(x)·dy", dims), [&] {
      NoGradGuard no_grad;
      const Tensor numeric = numerical_gradient([&](const Tensor& probe) { return dot(softmax(probe), dy); }, x.detach());
      return compare(softmax_backward(y_values, dy), numeric, 2e-3, 2e-2);
    });
  }
  return grader.finish();
}
