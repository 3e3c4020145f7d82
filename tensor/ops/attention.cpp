// fused_attention: multi-head attention for inference, one head at a time, in one pass.
//
// For each sequence b and head n (head n owns columns n·D .. n·D + D of q, k, v [B, S, H]):
//   scores  = (q_n · k_nᵀ) · scale             [S, S]
//   probs   = softmax(scores + mask)            [S, S]
//   context = probs · v_n                       [S, D]  -> columns n·D .. of context [B, S, H]
// These are the kernel calls of the composed ops
//   split_heads -> matmul(q, k, false, true, scale) -> softmax(·, mask) -> matmul(·, v) -> merge_heads
// on the same values in the same order, so the result is the same to the last bit
// (tests/tensor/test_attention.cpp). What the fusion saves: the four copies that split and merge
// the heads, and the trips of the [B, N, S, S] scores through memory (12.6 MB per layer at 512
// tokens): one head's S×S scores stay in cache while they are made, normalized and used.
// No backward: training runs the composed ops, whose backward needs the probabilities anyway.
#include <cmath>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/kernels/elementwise.h"
#include "tensor/kernels/gemm.h"
#include "tensor/kernels/simd.h"
#include "tensor/kernels/softmax.h"
#include "tensor/ops.h"
#include "tensor/ops/broadcast.h"

namespace bertlab {

Tensor fused_attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t num_heads, const Tensor& mask,
                       Tensor* probs) {
  BERT_CHECK(q.dim() == 3 && k.shape() == q.shape() && v.shape() == q.shape(),
             "fused_attention: expected q, k, v of one shape [B, S, H], got {}, {} and {}", q.shape(), k.shape(),
             v.shape());
  const int64_t B = q.size(0), S = q.size(1), H = q.size(2), N = num_heads;
  BERT_CHECK(N > 0 && H % N == 0, "fused_attention: hidden size {} is not a multiple of {} heads", H, N);
  const Shape scores_shape{B, N, S, S};
  BERT_CHECK(!mask.defined() || broadcast_shapes(mask.shape(), scores_shape, "fused_attention") == scores_shape,
             "fused_attention: expected a mask that broadcasts to {}, got {}", scores_shape, mask.shape());
  BERT_CHECK(!needs_grad({q, k, v}),
             "fused_attention: it has no backward; for training use split_heads, matmul and softmax");
  const int64_t D = H / N;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  Tensor context = Tensor::empty({B, S, H});
  if (probs) *probs = Tensor::empty(scores_shape);
  // The mask row of query i in head n of sequence b, as softmax finds it for scores [B, N, S, S].
  const detail::BroadcastIndex mask_index(mask.defined() ? mask.shape() : scores_shape, scores_shape);

  // One (sequence, head) per task; inside a task the GEMMs run on its thread alone.
#pragma omp parallel for schedule(dynamic) if (B * N > 1)
  for (int64_t t = 0; t < B * N; ++t) {
    const int64_t b = t / N, n = t % N;
    const float* q_n = q.data() + b * S * H + n * D;  // [S, D] with rows H apart
    const float* k_n = k.data() + b * S * H + n * D;
    const float* v_n = v.data() + b * S * H + n * D;
    thread_local kernels::AlignedFloats scratch;  // this head's [S, S], when probs are not kept
    if (!probs && static_cast<int64_t>(scratch.size()) < S * S) scratch.resize(S * S);
    float* p = probs ? probs->data() + t * S * S : scratch.data();

    kernels::gemm({.trans_b = true, .M = S, .N = S, .K = D, .A = q_n, .lda = H, .B = k_n, .ldb = H, .C = p,
                   .ldc = S});  // q_n · k_nᵀ
    kernels::scale_simd(scale, p, p, S * S);
    for (int64_t i = 0; i < S; ++i) {
      const float* m = mask.defined() ? mask.data() + mask_index((t * S + i) * S) : nullptr;
      kernels::softmax_row_simd(p + i * S, m, p + i * S, S);
    }
    kernels::gemm({.M = S, .N = D, .K = S, .A = p, .lda = S, .B = v_n, .ldb = H,
                   .C = context.data() + b * S * H + n * D, .ldc = H});
  }
  return context;
}

}  // namespace bertlab
