#include "nn/layer_norm.h"  // defines: LayerNorm

#include <fmt/format.h>

#include "tensor/ops.h"

namespace bertlab::nn {

LayerNorm::LayerNorm(int64_t n, float eps_)
    : normalized_shape(n), eps(eps_), weight(Tensor::ones({n})), bias(Tensor::zeros({n})) {
  register_parameter("weight", weight);
  register_parameter("bias", bias);
}

Tensor LayerNorm::forward(const Tensor& x) const { return layer_norm(x, weight, bias, eps); }

// Python prints a float with the shortest text that reads back the same: 1e-12, 1e-05.
std::string LayerNorm::extra_repr() const {
  std::string e = fmt::format("{}", eps);
  if (const size_t pos = e.find("e-"); pos != std::string::npos && e.size() - pos == 3)
    e = e.substr(0, pos + 2) + "0" + e.substr(pos + 2);  // Python writes a two-digit exponent: 1e-05
  return fmt::format("({},), eps={}, elementwise_affine=True", normalized_shape, e);
}

}  // namespace bertlab::nn
