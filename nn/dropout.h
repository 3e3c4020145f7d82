// nn::Dropout: zeroes activations at random in training mode, the identity in eval mode.
//   Dropout dropout(0.1);   dropout.forward(x)   // same shape
// Draws from the module's own seeded Generator, so a run is repeatable.
#pragma once

#include "nn/module.h"       // defines: Module
#include "tensor/random.h"   // defines: Generator

namespace bertlab::nn {

class Dropout : public Module {
 public:
  explicit Dropout(float p = 0.5f);
  Tensor forward(const Tensor& x) const;

  std::string type_name() const override { return "Dropout"; }
  std::string extra_repr() const override;

  float p;
};

}  // namespace bertlab::nn
