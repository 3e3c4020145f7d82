#pragma once

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::exercises {

// A Linear layer with a LoRA adapter, in eval mode: x [..., in] -> [..., out].
Tensor lora_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& lora_A,
                    const Tensor& lora_B, float scaling);

}  // namespace bertlab::exercises
