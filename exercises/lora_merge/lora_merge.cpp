// Exercise (lab 05): LoRA, merge.
//
// After training, PEFT's merge_and_unload() folds the adapter into the frozen weight, so the model
// is a plain BERT again and costs nothing extra at inference:
//   W' = W + scaling · B·A          W, W' [out, in]; A [r, in]; B [out, r]
//   W'[o, i] = W[o, i] + scaling · Σ_k B[o, k] · A[k, i]
// Then x·W'ᵀ + b is exactly the LoRA layer's output x·Wᵀ + b + (x·Aᵀ)·Bᵀ · scaling (the checks test that).
// Do not change `weight`: return a new Tensor.
//
// Hint: Tensor::empty({out, in}) and three loops, or add(weight, scale(matmul(lora_B, lora_A), scaling)).
// Check it: ./run exercise lora_merge       Answer: nn/lora.cpp › LoRALinear::delta_weight, peft/lora.cpp › merge_and_unload
#include "exercises/lora_merge/lora_merge.h"

#include <stdexcept>

#include "tensor/ops.h"  // defines: matmul, scale, add

namespace bertlab::exercises {

Tensor lora_merge(const Tensor& weight, const Tensor& lora_A, const Tensor& lora_B, float scaling) {
  // TODO: your code here.
  throw std::logic_error("TODO: lora_merge is not written yet");
}

}  // namespace bertlab::exercises
