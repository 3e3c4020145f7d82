#include "nn/activation.h"  // defines: Activation

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::nn {

Activation::Activation(const std::string& name_) : name(name_) {
  BERT_CHECK(name == "gelu" || name == "gelu_new" || name == "relu" || name == "tanh",
             "Activation: unknown activation: expected \"gelu\", \"gelu_new\", \"relu\" or \"tanh\", got \"{}\"",
             name);
}

Tensor Activation::forward(const Tensor& x) const {
  if (name == "gelu") return gelu(x);
  if (name == "gelu_new") return gelu(x, GeluApproximation::tanh);
  if (name == "tanh") return tanh(x);
  return relu(x);
}

std::string Activation::type_name() const {
  if (name == "gelu") return "GELUActivation";
  if (name == "gelu_new") return "NewGELUActivation";
  if (name == "tanh") return "Tanh";
  return "ReLU";
}

}  // namespace bertlab::nn
