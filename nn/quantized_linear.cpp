#include "nn/quantized_linear.h"  // defines: DynamicQuantizedLinear, quantize_dynamic

#include <fmt/format.h>

#include "nn/linear.h"          // defines: Linear
#include "tensor/autograd.h"    // defines: needs_grad

namespace bertlab::nn {

DynamicQuantizedLinear::DynamicQuantizedLinear(const Linear& linear)
    : bias(linear.bias), weight_(linear.weight.data(), linear.out_features, linear.in_features) {
  train(false);  // there is nothing to train
}

// y = x·Wᵀ + b in int8: x rounded per row (token) now, W rounded when this module was made.
Tensor DynamicQuantizedLinear::forward(const Tensor& x) const {
  const int64_t in = weight_.K(), out = weight_.N();
  BERT_CHECK(x.dim() >= 1 && x.size(-1) == in, "DynamicQuantizedLinear: expected x [.., {}], got {}", in, x.shape());
  BERT_CHECK(!needs_grad({x}),
             "DynamicQuantizedLinear: int8 arithmetic has no backward, and the input needs a gradient. Hint: run "
             "a quantized model under NoGradGuard (torch.no_grad()), as the pipelines do");
  thread_local kernels::QuantizedRows rows;  // this thread's buffer, reused from call to call
  kernels::quantize_rows(x.data(), x.numel() / std::max<int64_t>(in, 1), in, rows);
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Tensor::empty(out_shape);  // [.., out]
  kernels::gemm_int8(rows, weight_, bias.defined() ? bias.data() : nullptr, y.data());
  return y;
}

std::string DynamicQuantizedLinear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, dtype=torch.qint8, qscheme=torch.per_channel_symmetric",
                     weight_.K(), weight_.N());
}

int quantize_dynamic(Module& model) {
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
      linear->quantized = std::make_unique<DynamicQuantizedLinear>(*linear);
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
