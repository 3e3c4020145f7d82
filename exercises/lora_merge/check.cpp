// Grades exercises/lora_merge: a case worked out by hand, that `weight` stays as it was, then
// random layers: the merged weight against the library's, and the merged Linear's output against
// the library's LoRA layer's.
#include "exercises/grader.h"
#include "exercises/lora_merge/lora_merge.h"
#include "exercises/lora_reference.h"  // defines: LoraReference
#include "tensor/autograd.h"           // defines: NoGradGuard
#include "tensor/ops.h"                // defines: add, linear

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "lora_merge", "nn/lora.cpp › LoRALinear::delta_weight");
  NoGradGuard no_grad;

  grader.check("by hand: W = [[1, 0], [0, 1]], A = [[1, 2]], B = [[1], [-1]], scaling 0.5 -> [[1.5, 1], [-0.5, 0]]", [&] {
    const Tensor merged = lora_merge(Tensor::from_vector({1, 0, 0, 1}, {2, 2}), Tensor::from_vector({1, 2}, {1, 2}),
                                     Tensor::from_vector({1, -1}, {2, 1}), 0.5f);
    return compare(merged, Tensor::from_vector({1.5f, 1, -0.5f, 0}, {2, 2}), 1e-6);
  });
  grader.check("`weight` is left as it was (merge into a new Tensor)", [&] {
    Generator gen(2);
    const Tensor w = random_tensor({3, 4}, gen), before = w.clone();
    lora_merge(w, random_tensor({2, 4}, gen), random_tensor({3, 2}, gen), 1.0f);
    return compare(w, before, 0.0);
  });
  struct Case { int64_t in, out, r; float scaling; };
  for (const Case& c : {Case{8, 8, 1, 16.0f}, Case{16, 12, 4, 2.0f}, Case{32, 32, 8, 0.5f}}) {
    Generator gen(c.in + c.r);
    const Tensor w = random_tensor({c.out, c.in}, gen), b = random_tensor({c.out}, gen);
    const Tensor a = random_tensor({c.r, c.in}, gen), bm = random_tensor({c.out, c.r}, gen);
    const Tensor x = random_tensor({5, c.in}, gen);
    const LoraReference library(w, b, a, bm, c.scaling);
    const std::string dims = fmt::format("in {} out {} r {} scaling {}", c.in, c.out, c.r, c.scaling);
    grader.check("random " + dims + ": the merged weight against the library's W + ΔW",
                 [&] { return compare(lora_merge(w, a, bm, c.scaling), add(w, library.lora.delta_weight()), 1e-5, 1e-5); });
    grader.check("random " + dims + ": x·W'ᵀ + b equals the library's LoRA layer on x", [&] {
      return compare(linear(x, lora_merge(w, a, bm, c.scaling), b), library.lora.forward(x), 1e-4, 1e-4);
    });
  }
  return grader.finish();
}
