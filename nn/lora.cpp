#include "nn/lora.h"  // defines: LoRALinear

#include <cmath>

#include "nn/init.h"
#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::nn {

LoRALinear::LoRALinear(Linear& base, int64_t r_, float alpha, float p, bool use_rslora)
    : base_layer(base),
      r(r_),
      lora_alpha(alpha),
      scaling(use_rslora ? alpha / std::sqrt(static_cast<float>(r_)) : alpha / static_cast<float>(r_)) {
  BERT_CHECK(r > 0, "LoRALinear: r must be positive, got {}", r);
  // A is built as a Linear, so it gets Linear's default init: kaiming-uniform with a = √5, as PEFT.
  lora_dropout.insert(kAdapterName, p);
  lora_A.insert(kAdapterName, base.in_features, r, /*bias=*/false);
  // B = 0 makes ΔW = 0 at the start: training begins exactly at the pretrained model.
  init::zeros_(lora_B.insert(kAdapterName, r, base.out_features, /*bias=*/false).weight);
  base.weight.requires_grad_(false);
  if (base.bias.defined()) base.bias.requires_grad_(false);
  register_module("base_layer", base);
  register_module("lora_dropout", lora_dropout);
  register_module("lora_A", lora_A);
  register_module("lora_B", lora_B);
  train(base.is_training());  // a wrapper added to a model in eval mode starts in eval mode too
}

Tensor LoRALinear::forward(const Tensor& x) const {
  // linear() on the base tensors, not base_layer.forward(): that would hand over to us again.
  // At inference the base weight stays packed for the GEMM (tensor/ops.h › linear), as nn::Linear's.
  Tensor out = linear(x, base_layer.weight, base_layer.bias, /*keep_packed_weight=*/!is_training());  // [..., out]
  const Tensor h = A().forward(lora_dropout[kAdapterName].forward(x));  // [..., r]
  return add(out, scale(B().forward(h), scaling));                    // [..., out]
}

Tensor LoRALinear::delta_weight() const {
  NoGradGuard no_grad;
  return scale(matmul(B().weight, A().weight), scaling);  // [out, r] · [r, in] = [out, in]
}

}  // namespace bertlab::nn
