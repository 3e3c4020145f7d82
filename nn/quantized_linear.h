// nn::DynamicQuantizedLinear and quantize_dynamic: int8 inference, as PyTorch's
//   torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
// with per-channel weights (its per_channel_dynamic_qconfig). Each Linear's weight is rounded
// once to int8, one scale per output row; each input is rounded to int8 at run time, one scale per
// token; the product runs on 8-bit integers (tensor/kernels/gemm_int8.h has the arithmetic,
// docs/quantization.md the lesson and what it costs in accuracy).
//
//   BertForMaskedLM model(config);  ...load...;  model.eval();
//   quantize_dynamic(model);   // every Linear now: DynamicQuantizedLinear(in_features=768, ...)
//   model.forward(...)         // same shapes, int8 arithmetic, about 4× less weight memory
//
// Inference only: there is no backward (run it under NoGradGuard, as pipelines do), and the
// float weights are gone, so a quantized model cannot be trained or saved.
#pragma once

#include <memory>

#include "nn/module.h"                   // defines: Module
#include "tensor/kernels/gemm_int8.h"    // defines: Int8Weight

namespace bertlab::nn {

class Linear;

class DynamicQuantizedLinear : public Module {
 public:
  // Quantizes linear's weight and takes over its bias.
  explicit DynamicQuantizedLinear(const Linear& linear);
  Tensor forward(const Tensor& x) const;  // [..., in] -> [..., out]

  std::string type_name() const override { return "DynamicQuantizedLinear"; }
  std::string extra_repr() const override;  // as PyTorch prints it

  const kernels::Int8Weight& weight() const { return weight_; }
  Tensor bias;  // [out] float, as in PyTorch (undefined when the Linear had none)

 private:
  kernels::Int8Weight weight_;
};

// Replaces every nn::Linear under model (a LoRA adapter is merged first: merge_and_unload) by
// a DynamicQuantizedLinear, in place, and frees the float weights that only those Linears used
// (a weight tied to another module, as the MLM decoder's to the word embeddings, stays with it).
// Returns how many Linears were quantized. The model must be in eval mode.
int quantize_dynamic(Module& model);

}  // namespace bertlab::nn
