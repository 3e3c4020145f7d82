#include "nn/linear.h"  // defines: Linear

#include <cmath>

#include <fmt/format.h>

#include "nn/init.h"
#include "nn/lora.h"              // defines: LoRALinear (complete here, so unique_ptr can delete it)
#include "nn/quantized_linear.h"  // defines: DynamicQuantizedLinear (likewise)
#include "tensor/ops.h"

namespace bertlab::nn {

Linear::Linear(int64_t in, int64_t out, bool with_bias)
    : in_features(in), out_features(out), weight(Tensor::empty({out, in})) {
  Generator& gen = default_generator();
  init::kaiming_uniform_(weight, std::sqrt(5.0f), gen);
  register_parameter("weight", weight);
  if (with_bias) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(in));
    bias = Tensor::empty({out});
    init::uniform_(bias, -bound, bound, gen);
    register_parameter("bias", bias);
  }
}

Linear::~Linear() = default;

// At inference (eval mode) the weight stays packed for the GEMM (tensor/ops.h › linear).
Tensor Linear::forward(const Tensor& x) const {
  if (quantized) return quantized->forward(x);
  return lora ? lora->forward(x) : linear(x, weight, bias, /*keep_packed_weight=*/!is_training());
}

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_features, out_features,
                     bias.defined() ? "True" : "False");
}

}  // namespace bertlab::nn
