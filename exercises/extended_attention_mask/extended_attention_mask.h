#pragma once

#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab::exercises {

// The tokenizer's attention_mask [B, S] (1 = token, 0 = padding) as the additive mask [B, 1, 1, S].
Tensor extended_attention_mask(const IntTensor& attention_mask);

}  // namespace bertlab::exercises
