// nn::Activation: an activation function as a module, so it shows in the printed tree as HF's
// ACT2FN modules do: GELUActivation() for "gelu", NewGELUActivation() for "gelu_new", ReLU(),
// and Tanh() (the pooler's nn.Tanh).
//   Activation act("gelu");   act.forward(x)   // x·Φ(x), elementwise
#pragma once

#include <string>

#include "nn/module.h"  // defines: Module

namespace bertlab::nn {

class Activation : public Module {
 public:
  // name: a config.json hidden_act — "gelu", "gelu_new" (tanh approximation), "relu" — or "tanh".
  explicit Activation(const std::string& name);
  Tensor forward(const Tensor& x) const;
  std::string type_name() const override;

  std::string name;
};

}  // namespace bertlab::nn
