#include "nn/dropout.h"  // defines: Dropout

#include <fmt/format.h>

#include "tensor/ops.h"

namespace bertlab::nn {

Dropout::Dropout(float p_) : p(p_) {}

Tensor Dropout::forward(const Tensor& x) const { return dropout(x, p, is_training(), default_generator()); }

std::string Dropout::extra_repr() const { return fmt::format("p={}, inplace=False", p); }

}  // namespace bertlab::nn
