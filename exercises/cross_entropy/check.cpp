// Grades exercises/cross_entropy: cases worked out by hand (one with an ignored row), then random
// logits against the library's cross_entropy and its autograd, and central differences of the loss.
#include <cmath>

#include "exercises/cross_entropy/cross_entropy.h"
#include "exercises/grader.h"
#include "tensor/ops.h"       // defines: cross_entropy

using namespace bertlab;
using namespace bertlab::exercises;

namespace {

std::string expect(const CrossEntropyResult& got, float loss, const Tensor& dlogits, double tol) {
  if (!(std::abs(got.loss - loss) <= tol + tol * std::abs(loss)))
    return fmt::format("loss: expected {:.7g}, got {:.7g}", loss, got.loss);
  const std::string p = compare(got.dlogits, dlogits, tol, tol);
  return p.empty() ? "" : "dlogits: " + p;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "cross_entropy", "tensor/ops/cross_entropy.cpp › cross_entropy");
  const float ln3 = std::log(3.0f);

  grader.check("logits [[0, ln 3]], targets [1] -> loss -ln 0.75, dlogits [[0.25, -0.25]]", [&] {
    return expect(exercises::cross_entropy(Tensor::from_vector({0, ln3}, {1, 2}), IntTensor({1}, {1})),
                  -std::log(0.75f), Tensor::from_vector({0.25f, -0.25f}, {1, 2}), 1e-6);
  });
  grader.check("a second row with target -100 changes nothing and gets gradient 0 (T = 1, not 2)", [&] {
    return expect(exercises::cross_entropy(Tensor::from_vector({0, ln3, 5, -5}, {2, 2}), IntTensor({1, -100}, {2})),
                  -std::log(0.75f), Tensor::from_vector({0.25f, -0.25f, 0, 0}, {2, 2}), 1e-6);
  });
  grader.check("two counted rows: the mean, so each row's gradient is halved", [&] {
    return expect(exercises::cross_entropy(Tensor::from_vector({0, ln3, 0, ln3}, {2, 2}), IntTensor({1, 0}, {2})),
                  (-std::log(0.75f) - std::log(0.25f)) / 2, Tensor::from_vector({0.125f, -0.125f, -0.375f, 0.375f}, {2, 2}),
                  1e-6);
  });
  grader.check("logits of 1000: no overflow (log Σ exp computed stably)", [&] {
    return expect(exercises::cross_entropy(Tensor::from_vector({1000, 1000 + ln3}, {1, 2}), IntTensor({1}, {1})),
                  -std::log(0.75f), Tensor::from_vector({0.25f, -0.25f}, {1, 2}), 1e-4);
  });

  struct Case { int64_t M, K; };
  for (const Case& c : {Case{1, 5}, Case{6, 9}, Case{24, 2079}}) {
    Generator gen(c.K);
    Tensor logits = random_tensor({c.M, c.K}, gen, 2.0f);
    IntTensor targets = random_ints({c.M}, 0, c.K, gen);
    for (int64_t r = 1; r < c.M; r += 3) targets.data[r] = -100;  // every third row from the second: no label
    logits.requires_grad_();
    const Tensor loss = bertlab::cross_entropy(logits, targets);
    loss.backward();
    grader.check(fmt::format("random logits [{}, {}] with ignored rows, against the library", c.M, c.K),
                 [&] { return expect(exercises::cross_entropy(logits.detach(), targets), loss.item(), logits.grad(), 1e-5); });
    if (c.K > 100) continue;  // central differences need 2·M·K losses
    grader.check(fmt::format("random logits [{}, {}]: dlogits against central differences of the loss", c.M, c.K), [&] {
      const Tensor numeric = numerical_gradient(
          [&](const Tensor& probe) { return static_cast<double>(bertlab::cross_entropy(probe, targets).item()); },
          logits.detach());
      const std::string p = compare(exercises::cross_entropy(logits.detach(), targets).dlogits, numeric, 2e-3, 2e-2);
      return p.empty() ? "" : "dlogits: " + p;
    });
  }
  return grader.finish();
}
