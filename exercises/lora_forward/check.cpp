// Grades exercises/lora_forward: B = 0 (a fresh adapter) leaves the Linear unchanged, a case worked
// out by hand, then random layers against the library's LoRALinear.
#include "exercises/grader.h"
#include "exercises/lora_forward/lora_forward.h"
#include "exercises/lora_reference.h"  // defines: LoraReference
#include "tensor/autograd.h"           // defines: NoGradGuard
#include "tensor/ops.h"                // defines: linear

using namespace bertlab;
using namespace bertlab::exercises;

int main(int argc, char** argv) {
  Grader grader(argc, argv, "lora_forward", "nn/lora.cpp › LoRALinear::forward");
  NoGradGuard no_grad;

  grader.check("B = 0, as PEFT initializes it: the output is the frozen Linear's, x·Wᵀ + b", [&] {
    Generator gen(1);
    const Tensor x = random_tensor({2, 3, 6}, gen), w = random_tensor({5, 6}, gen), b = random_tensor({5}, gen);
    const Tensor a = random_tensor({2, 6}, gen);
    return compare(lora_forward(x, w, b, a, Tensor::zeros({5, 2}), 2.0f), linear(x, w, b), 1e-5, 1e-5);
  });
  grader.check("by hand: W = 0, no bias, A = [[1, 1]], B = [[1], [2]], scaling 2, x = [3, 4] -> [14, 28]", [&] {
    const Tensor y = lora_forward(Tensor::from_vector({3, 4}, {1, 2}), Tensor::zeros({2, 2}), Tensor(),
                                  Tensor::from_vector({1, 1}, {1, 2}), Tensor::from_vector({1, 2}, {2, 1}), 2.0f);
    return compare(y, Tensor::from_vector({14, 28}, {1, 2}), 1e-6);
  });
  struct Case { Shape x; int64_t out, r; float scaling; bool bias; };
  for (const Case& c : {Case{{4, 8}, 8, 1, 16.0f, true}, Case{{2, 5, 16}, 12, 4, 2.0f, true},
                       Case{{3, 7, 32}, 32, 8, 0.5f, false}}) {
    const int64_t in = c.x.back();
    grader.check(fmt::format("random x [{}], in {} out {} r {} scaling {}{}, against the library", fmt::join(c.x, ", "),
                             in, c.out, c.r, c.scaling, c.bias ? "" : ", no bias"),
                 [&] {
                   Generator gen(in + c.r);
                   const Tensor x = random_tensor(c.x, gen), w = random_tensor({c.out, in}, gen);
                   const Tensor b = c.bias ? random_tensor({c.out}, gen) : Tensor();
                   const Tensor a = random_tensor({c.r, in}, gen), bm = random_tensor({c.out, c.r}, gen);
                   return compare(lora_forward(x, w, b, a, bm, c.scaling),
                                  LoraReference(w, b, a, bm, c.scaling).lora.forward(x), 1e-4, 1e-4);
                 });
  }
  return grader.finish();
}
