// The library's LoRA layer (nn/lora.h › LoRALinear) around given tensors: the answer and the
// grader of lora_forward and lora_merge.
#pragma once

#include "nn/linear.h"  // defines: Linear
#include "nn/lora.h"    // defines: LoRALinear, kAdapterName

namespace bertlab::exercises {

struct LoraReference {
  nn::Linear base;
  nn::LoRALinear lora;

  // weight [out, in], bias [out] (or undefined), lora_A [r, in], lora_B [out, r].
  LoraReference(const Tensor& weight, const Tensor& bias, const Tensor& lora_A, const Tensor& lora_B, float scaling)
      : base(weight.size(1), weight.size(0), bias.defined()), lora(with(base, weight, bias), lora_A.size(0), 1.0f, 0.0f) {
    lora.lora_A[nn::kAdapterName].weight = lora_A;
    lora.lora_B[nn::kAdapterName].weight = lora_B;
    lora.scaling = scaling;
    lora.eval();
  }

 private:
  static nn::Linear& with(nn::Linear& base, const Tensor& weight, const Tensor& bias) {
    base.weight = weight.clone();
    base.bias = bias.defined() ? bias.clone() : Tensor();
    return base;
  }
};

}  // namespace bertlab::exercises
