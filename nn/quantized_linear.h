// nn::DynamicQuantizedLinear and quantize_dynamic: Linears in fewer bits for inference, as PyTorch's
//   torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
// with per-channel weights (its per_channel_dynamic_qconfig), or with dtype bfloat16 (PyTorch's
// dtype=torch.float16 variant, in bf16: the Linears' inputs and weights rounded to bf16, the
// sums in float32, as torch.autocast("cpu", torch.bfloat16) runs a Linear).
//   int8: each Linear's weight is rounded once to int8, one scale per output row; each input is
//   rounded to int8 at run time, one scale per token; the product runs on 8-bit integers
//   (tensor/kernels/gemm_int8.h has the arithmetic).
//   bfloat16: tensor/kernels/gemm_bf16.h.
// docs/quantization.md is the lesson, with what each costs in accuracy.
//
//   BertForMaskedLM model(config);  ...load...;  model.eval();
//   quantize_dynamic(model);   // every Linear now: DynamicQuantizedLinear(in_features=768, ...)
//   model.forward(...)         // same shapes, int8 arithmetic, about 4× less weight memory
//
// Inference only: there is no backward (run it under NoGradGuard, as pipelines do), and the
// float weights are gone, so a quantized model cannot be trained or saved.
#pragma once

#include <memory>

#include "nn/module.h"                 // defines: Module
#include "tensor/kernels/gemm_bf16.h"  // defines: Bf16Weight
#include "tensor/kernels/gemm_int8.h"  // defines: Int8Weight

namespace bertlab::nn {

class Linear;

enum class QuantizedDtype { qint8, bfloat16 };

class DynamicQuantizedLinear : public Module {
 public:
  // Rounds linear's weight to dtype and takes over its bias.
  DynamicQuantizedLinear(const Linear& linear, QuantizedDtype dtype);
  Tensor forward(const Tensor& x) const;  // [..., in] -> [..., out]

  std::string type_name() const override { return "DynamicQuantizedLinear"; }
  std::string extra_repr() const override;  // as PyTorch prints it

  int64_t weight_bytes() const;  // the rounded weight's storage (with int8's scales and row sums)

  int64_t in_features, out_features;
  QuantizedDtype dtype;
  Tensor bias;  // [out] float, as in PyTorch (undefined when the Linear had none)

 private:
  std::unique_ptr<kernels::Int8Weight> int8_;  // one of the two, as dtype says
  std::unique_ptr<kernels::Bf16Weight> bf16_;
};

// Replaces every nn::Linear under model by a DynamicQuantizedLinear of dtype, in place, and
// frees the float weights that only those Linears used (a weight tied to another module, as the
// MLM decoder's to the word embeddings, stays with it). Returns how many Linears it replaced.
// The model must be in eval mode, and a LoRA adapter merged first (peft::merge_and_unload).
int quantize_dynamic(Module& model, QuantizedDtype dtype = QuantizedDtype::qint8);

}  // namespace bertlab::nn
