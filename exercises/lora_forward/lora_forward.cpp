// Exercise (lab 05): LoRA, forward.
//
// LoRA keeps a pretrained Linear (weight W [out, in], bias b [out]) frozen and learns a low-rank
// update through two small matrices, A [r, in] and B [out, r] (r ≪ in, out):
//   y = x·Wᵀ + b + (x·Aᵀ)·Bᵀ · scaling           scaling = lora_alpha / r (PEFT's default)
// Shapes: x [..., in] (rows = x.numel() / in) -> y [..., out]. bias may be undefined (no bias).
// Eval mode: PEFT's lora_dropout is off, so x goes to A unchanged.
//
// Hint: never form B·A [out, in] here: x·Aᵀ is [..., r], a few numbers per row, which is the point of
// LoRA. With tensor/ops.h: linear(x, W, b) and matmul(..., /*transpose_b=*/true), scale(), add().
// Check it: ./run exercise lora_forward       Answer: nn/lora.cpp › LoRALinear::forward
#include "exercises/lora_forward/lora_forward.h"

#include <stdexcept>

#include "tensor/ops.h"  // defines: linear, matmul, scale, add

namespace bertlab::exercises {

Tensor lora_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& lora_A,
                    const Tensor& lora_B, float scaling) {
  // TODO: your code here.
  throw std::logic_error("TODO: lora_forward is not written yet");
}

}  // namespace bertlab::exercises
