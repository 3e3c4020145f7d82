// nn::Linear: y = x · Wᵀ + b, with W stored [out_features, in_features] as PyTorch stores it.
//   Linear dense(768, 3072);   dense.forward(x)  // [B, S, 768] -> [B, S, 3072]
// Initialised as PyTorch does (kaiming-uniform W, uniform b); BERT re-initialises with
// N(0, 0.02) and zero bias (bert/model.h › init_bert_weights), and loading a checkpoint overwrites both anyway.
#pragma once

#include <memory>

#include "nn/module.h"  // defines: Module

namespace bertlab::nn {

class LoRALinear;              // nn/lora.h
class DynamicQuantizedLinear;  // nn/quantized_linear.h

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  ~Linear() override;
  virtual Tensor forward(const Tensor& x) const;  // [..., in] -> [..., out]

  std::string type_name() const override { return "Linear"; }
  std::string extra_repr() const override;

  int64_t in_features, out_features;
  Tensor weight;  // [out, in]
  Tensor bias;    // [out], undefined when bias = false

  // LoRA's slot. A Linear is a plain member of its parent (MultiHeadAttention::query), so it
  // cannot be swapped for another class; instead peft::apply_lora puts a LoRALinear wrapping this
  // layer here and forward() hands over to it. Null for a plain Linear.
  std::unique_ptr<LoRALinear> lora;
  // Likewise quantize_dynamic's int8 version of this layer (then weight and bias are gone).
  std::unique_ptr<DynamicQuantizedLinear> quantized;
};

}  // namespace bertlab::nn
