// The differentiable operations on Tensors. Each is implemented in tensor/ops/<family>.cpp with
// its forward and backward side by side and the gradient formula in a comment above them.
//
//   Tensor y = linear(x, weight, bias);   // [B, S, in] -> [B, S, out]
//   Tensor loss = mean(mul(y, y));        // []
//   loss.backward();                      // fills weight.grad() and bias.grad()
//
// Shapes use the letters of docs/shapes.md: B batch, S sequence, H hidden, N heads,
// D head dim (H / N), V vocab, K classes (docs/shapes.md).
#pragma once

#include <vector>

#include "tensor/random.h"  // defines: Generator
#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab {

// ---- ops/elementwise.cpp: broadcasting arithmetic and pointwise functions -----------------
Tensor add(const Tensor& a, const Tensor& b);  // a + b, shapes broadcast as in PyTorch
Tensor sub(const Tensor& a, const Tensor& b);  // a - b
Tensor mul(const Tensor& a, const Tensor& b);  // a * b, elementwise
Tensor div(const Tensor& a, const Tensor& b);  // a / b, elementwise
Tensor scale(const Tensor& x, float s);        // s * x
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor relu(const Tensor& x);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator*(const Tensor& x, float s) { return scale(x, s); }
inline Tensor operator*(float s, const Tensor& x) { return scale(x, s); }

// ---- ops/reduce.cpp ---------------------------------------------------------------------
Tensor sum(const Tensor& x);                                    // all elements -> []
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x);                                   // all elements -> []
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);

// ---- ops/matmul.cpp ---------------------------------------------------------------------
// [..., M, K] @ [..., K, N] -> [..., M, N]. With transpose_a / transpose_b an operand is read
// as its last two dimensions swapped (a stored [..., K, M], b stored [..., N, K]) without a copy.
// The leading (batch) dimensions of a and b must be equal, or b may be 2-D (shared by all).
// alpha scales the product, alpha · (a @ b), bit for bit as scale(matmul(a, b), alpha) but
// without keeping the unscaled product for backward (attention's [B, N, S, S] scores).
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false,
              float alpha = 1.0f);
// nn.Linear: x [..., in] · weightᵀ [in, out] + bias [out] -> [..., out]. bias may be undefined.
// keep_packed_weight: the weight stays as it is from call to call (inference): keep it packed for
// the GEMM with the tensor, packed again only when its numbers change (Tensor::version). The
// result is the same bit for bit; nn::Linear asks for it in eval mode (nn/linear.cpp).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, bool keep_packed_weight = false);
// Frees the packed copy linear() kept of weight, if any (Module::train: training changes weights).
void release_packed_weight(const Tensor& weight);

// ---- ops/shape_ops.cpp: reshape shares storage; the others copy into a new layout ----------
Tensor reshape(const Tensor& x, const Shape& shape);  // one size may be -1 (inferred)
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor& x, const Shape& dims);
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end);  // x[..., start:end, ...]
// Attention heads: [B, S, H] -> [B, N, S, D] and back (view + permute(0, 2, 1, 3) in HF).
Tensor split_heads(const Tensor& x, int64_t num_heads);
Tensor merge_heads(const Tensor& x);

// ---- ops/embedding.cpp ------------------------------------------------------------------
// weight [V, H] gathered at ids [...] -> [..., H]. The row padding_idx (if >= 0) gets no gradient.
Tensor embedding(const IntTensor& ids, const Tensor& weight, int64_t padding_idx = -1);

// ---- ops/softmax.cpp --------------------------------------------------------------------
// softmax over the last dimension of x + mask, where the additive mask (optional, no gradient)
// broadcasts to x and holds 0 to keep and -inf to drop, e.g. scores [B, N, S, S] + mask [B, 1, 1, S].
Tensor softmax(const Tensor& x, const Tensor& mask = Tensor());

// ---- ops/attention.cpp: inference only (no backward) ------------------------------------
// Multi-head attention over q, k, v [B, S, H] (head n in columns n·D .. n·D + D, D = H / N):
// softmax(q_n·k_nᵀ/√D + mask)·v_n per head, written into context [B, S, H]. Bit for bit what
// split_heads, matmul, softmax, matmul and merge_heads give, without keeping the [B, N, S, S]
// scores in memory; when probs is not null it receives the probabilities [B, N, S, S].
Tensor fused_attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t num_heads, const Tensor& mask,
                       Tensor* probs = nullptr);

// ---- ops/layer_norm.cpp -----------------------------------------------------------------
// (x - mean) / sqrt(var + eps) * weight + bias over the last dimension (biased variance).
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps);

// ---- ops/gelu.cpp -----------------------------------------------------------------------
enum class GeluApproximation { none, tanh };  // none = exact erf form (HF "gelu")
Tensor gelu(const Tensor& x, GeluApproximation approximate = GeluApproximation::none);

// ---- ops/dropout.cpp --------------------------------------------------------------------
// Training: zero each element with probability p, scale the rest by 1 / (1 - p). Eval: identity.
Tensor dropout(const Tensor& x, float p, bool training, Generator& gen);

// ---- ops/cross_entropy.cpp --------------------------------------------------------------
// logits [M, K], targets [M] -> mean over targets != ignore_index of -log softmax(logits)[target].
Tensor cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index = -100);

}  // namespace bertlab
