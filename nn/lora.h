// nn::LoRALinear: a frozen Linear plus a trainable low-rank update, as PEFT's lora.Linear.
//
// LoRA (Hu et al. 2021, https://arxiv.org/abs/2106.09685) learns ΔW = B·A, A [r, in], B [out, r]
// with r ≪ in, out, and never changes W:
//   y = x·Wᵀ + b + (dropout(x)·Aᵀ)·Bᵀ · scaling,          scaling = lora_alpha / r
// B starts at zero, so a fresh adapter leaves the model's output unchanged.
//   Linear query(768, 768);   LoRALinear lora(query, /*r=*/8, /*lora_alpha=*/16, /*lora_dropout=*/0.1);
//   lora.forward(x)   // [B, S, 768] -> [B, S, 768]; trains 2·8·768 numbers instead of 768²
// The children are PEFT's, so named_parameters() are PEFT's state_dict keys:
//   base_layer.weight, base_layer.bias, lora_A.default.weight, lora_B.default.weight
#pragma once

#include <string>

#include "nn/dropout.h"  // defines: Dropout
#include "nn/linear.h"   // defines: Linear
#include "nn/module.h"   // defines: Module, ModuleDict

namespace bertlab::nn {

// PEFT keys every LoRA tensor by adapter name; bertlab holds one adapter, under PEFT's default name.
inline constexpr const char* kAdapterName = "default";

class LoRALinear : public Module {
 public:
  // Wraps `base` (which the caller keeps alive) and freezes its weight and bias.
  // use_rslora: scaling = lora_alpha / √r (rank-stabilised LoRA) instead of lora_alpha / r.
  LoRALinear(Linear& base, int64_t r, float lora_alpha, float lora_dropout, bool use_rslora = false);
  Tensor forward(const Tensor& x) const;  // [..., in] -> [..., out]

  // ΔW = B·A · scaling, [out, in], without autograd (PEFT's get_delta_weight).
  Tensor delta_weight() const;
  const Linear& A() const { return lora_A[kAdapterName]; }  // weight [r, in]
  const Linear& B() const { return lora_B[kAdapterName]; }  // weight [out, r]

  std::string type_name() const override { return "lora.Linear"; }

  Linear& base_layer;
  ModuleDict<Dropout> lora_dropout;
  ModuleDict<Linear> lora_A;
  ModuleDict<Linear> lora_B;
  int64_t r;
  float lora_alpha, scaling;
};

}  // namespace bertlab::nn
