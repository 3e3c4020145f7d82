// The answer: the library's ΔW (nn/lora.cpp › LoRALinear::delta_weight), added to W as
// peft/lora.cpp › merge_and_unload does.
#include "exercises/lora_merge/lora_merge.h"
#include "exercises/lora_reference.h"  // defines: LoraReference
#include "tensor/ops.h"                // defines: add

namespace bertlab::exercises {

Tensor lora_merge(const Tensor& weight, const Tensor& lora_A, const Tensor& lora_B, float scaling) {
  return add(weight, LoraReference(weight, Tensor(), lora_A, lora_B, scaling).lora.delta_weight());
}

}  // namespace bertlab::exercises
