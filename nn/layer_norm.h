// nn::LayerNorm over the last dimension with a learned scale (weight) and shift (bias).
//   LayerNorm ln(768, 1e-12);   ln.forward(x)   // [B, S, 768] -> [B, S, 768]
// Prints as PyTorch: LayerNorm((768,), eps=1e-12, elementwise_affine=True)
#pragma once

#include "nn/module.h"  // defines: Module

namespace bertlab::nn {

class LayerNorm : public Module {
 public:
  LayerNorm(int64_t normalized_shape, float eps = 1e-5f);
  Tensor forward(const Tensor& x) const;

  std::string type_name() const override { return "LayerNorm"; }
  std::string extra_repr() const override;

  int64_t normalized_shape;
  float eps;
  Tensor weight;  // [n], starts at 1
  Tensor bias;    // [n], starts at 0
};

}  // namespace bertlab::nn
