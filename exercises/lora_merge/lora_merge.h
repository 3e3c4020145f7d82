#pragma once

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::exercises {

// merge_and_unload for one layer: W + scaling · B·A, [out, in].
Tensor lora_merge(const Tensor& weight, const Tensor& lora_A, const Tensor& lora_B, float scaling);

}  // namespace bertlab::exercises
