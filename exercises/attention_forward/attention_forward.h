#pragma once

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::exercises {

// Scaled dot-product attention over split heads: query, key, value [B, N, S, D], attention_mask
// [B, 1, 1, S] additive (or undefined) -> context [B, N, S, D].
Tensor attention_forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& attention_mask);

}  // namespace bertlab::exercises
