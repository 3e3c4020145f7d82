#include "nn/quantized_linear.h"  // defines: DynamicQuantizedLinear, quantize_dynamic

#include <fmt/format.h>

#include "nn/linear.h"          // defines: Linear
#include "tensor/autograd.h"    // defines: needs_grad

namespace bertlab::nn {

DynamicQuantizedLinear::DynamicQuantizedLinear(const Linear& linear, QuantizedDtype dtype_)
    : in_features(linear.in_features), out_features(linear.out_features), dtype(dtype_), bias(linear.bias) {
  if (dtype == QuantizedDtype::qint8)
    int8_ = std::make_unique<kernels::Int8Weight>(linear.weight.data(), out_features, in_features);
  else
    bf16_ = std::make_unique<kernels::Bf16Weight>(linear.weight.data(), out_features, in_features);
  train(false);  // there is nothing to train
}

// y = x·Wᵀ + b in int8 (x rounded per row, a token, now; W when this module was made) or bf16.
Tensor DynamicQuantizedLinear::forward(const Tensor& x) const {
  BERT_CHECK(x.dim() >= 1 && x.size(-1) == in_features, "DynamicQuantizedLinear: expected x [.., {}], got {}",
             in_features, x.shape());
  BERT_CHECK(!needs_grad({x}),
             "DynamicQuantizedLinear: {} arithmetic has no backward, and the input needs a gradient. Hint: run "
             "a quantized model under NoGradGuard (torch.no_grad()), as the pipelines do",
             dtype == QuantizedDtype::qint8 ? "int8" : "bf16");
  const int64_t rows = x.numel() / std::max<int64_t>(in_features, 1);
  Shape out_shape = x.shape();
  out_shape.back() = out_features;
  Tensor y = Tensor::empty(out_shape);  // [.., out]
  const float* b = bias.defined() ? bias.data() : nullptr;
  if (int8_) {
    thread_local kernels::QuantizedRows q;  // this thread's buffers, reused from call to call
    kernels::quantize_rows(x.data(), rows, in_features, q);
    kernels::gemm_int8(q, *int8_, b, y.data());
  } else {
    thread_local kernels::Bf16Rows h;
    kernels::to_bf16_rows(x.data(), rows, in_features, h);
    kernels::gemm_bf16(h, *bf16_, b, y.data());
  }
  return y;
}

int64_t DynamicQuantizedLinear::weight_bytes() const { return int8_ ? int8_->bytes() : bf16_->bytes(); }

std::string DynamicQuantizedLinear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, dtype=torch.{}", in_features, out_features,
                     dtype == QuantizedDtype::qint8 ? "qint8, qscheme=torch.per_channel_symmetric" : "bfloat16");
}

int quantize_dynamic(Module& model, QuantizedDtype dtype) {
  BERT_CHECK(!model.is_training(),
             "quantize_dynamic: the model is in training mode: expected eval(). Hint: a quantized model cannot be "
             "trained; call model.eval() first");
  int quantized = 0;
  walk_modules(model, [&](Module& parent, const std::string& name, const std::string& full, Module& child) {
    BERT_CHECK(child.type_name() != "lora.Linear",
               "quantize_dynamic: {} has a LoRA adapter. Hint: fold it in first with peft::merge_and_unload", full);
    auto* linear = dynamic_cast<Linear*>(&child);
    if (!linear) return true;
    try {
      linear->quantized = std::make_unique<DynamicQuantizedLinear>(*linear, dtype);
    } catch (const Error& e) {  // a weight that cannot be rounded: say which
      throw Error(fmt::format("quantize_dynamic: {}.weight: {}", full, e.what()));
    }
    parent.replace_child(name, *linear->quantized);
    // The float weight goes (its memory with it, unless another module shares it); the Linear is
    // now only the seat its parent's forward calls, which hands over to the quantized module.
    linear->weight = Tensor();
    linear->bias = Tensor();
    ++quantized;
    return false;
  });
  return quantized;
}

}  // namespace bertlab::nn
