// Exercise (lab 02): attention, forward.
//
// For every sequence b, head n and query position i, attention mixes the value rows:
//   scores[j] = Σ_d query[b, n, i, d] · key[b, n, j, d] / √D  +  attention_mask[b, 0, 0, j]
//   probs     = softmax(scores)                    (over the S keys j; each row sums to 1)
//   context[b, n, i, :] = Σ_j probs[j] · value[b, n, j, :]
// Shapes: query, key, value, context [B, N, S, D]; attention_mask [B, 1, 1, S] (the extended mask:
// 0 keeps a key, a huge negative number drops it), or undefined (!attention_mask.defined()) = keep all.
//
// Hint: with ops from tensor/ops.h it is three lines: matmul(query, key, false, /*transpose_b=*/true,
// 1 / √D), softmax(scores, attention_mask), matmul(probs, value). Or write the loops yourself.
// Check it: ./run exercise attention_forward       Answer: nn/multi_head_attention.cpp › scaled_dot_product_attention
#include "exercises/attention_forward/attention_forward.h"

#include <cmath>
#include <stdexcept>

#include "tensor/ops.h"  // defines: matmul, softmax

namespace bertlab::exercises {

Tensor attention_forward(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& attention_mask) {
  // TODO: your code here.
  throw std::logic_error("TODO: attention_forward is not written yet");
}

}  // namespace bertlab::exercises
