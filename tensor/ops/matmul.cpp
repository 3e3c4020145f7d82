// matmul and linear: the ops that do almost all of BERT's arithmetic, through kernels::gemm.
//
// C = op(A) · op(B), op(X) = X or Xᵀ.  With dC = d(loss)/dC the chain rule gives
//   d op(A) = dC · op(B)ᵀ        [M, K]
//   d op(B) = op(A)ᵀ · dC        [K, N]
// and when A is stored transposed (op(A) = Aᵀ) its gradient is the transpose of that:
//   dA = op(B) · dCᵀ  [K, M],   likewise  dB = dCᵀ · op(A)  [N, K] when B is stored transposed.
// Each of these is one more GEMM with transpose flags, adding into the grad buffers (or writing
// them, when no other op has added to them yet: Tensor::grad_buffer).
// With a scale, C = α · op(A) · op(B): forward scales C in place, backward uses α · dC as dC.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/kernels/elementwise.h"
#include "tensor/kernels/gemm.h"
#include "tensor/memory.h"
#include "tensor/ops.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

using kernels::GemmArgs;

namespace {

// The sizes of one matmul problem: `batch` independent [M, K] · [K, N] products.
struct MatmulDims {
  int64_t batch, M, K, N;
  bool b_shared;  // b is 2-D: the same matrix for every batch element
};

MatmulDims matmul_dims(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  BERT_CHECK(a.dim() >= 2 && b.dim() >= 2, "matmul: expected operands with at least 2 dimensions, got {} and {}",
             a.shape(), b.shape());
  const int64_t M = ta ? a.size(-1) : a.size(-2), Ka = ta ? a.size(-2) : a.size(-1);
  const int64_t Kb = tb ? b.size(-1) : b.size(-2), N = tb ? b.size(-2) : b.size(-1);
  BERT_CHECK(Ka == Kb,
             "matmul: inner dimensions differ: expected a [.., M, K] and b [.., K, N] with equal K, got {} and {}"
             " (transpose_a={}, transpose_b={}). Hint: check the transpose flags",
             a.shape(), b.shape(), ta, tb);
  const Shape a_batch(a.shape().begin(), a.shape().end() - 2), b_batch(b.shape().begin(), b.shape().end() - 2);
  const bool b_shared = b.dim() == 2;
  BERT_CHECK(b_shared || a_batch == b_batch, "matmul: batch dimensions differ: expected equal, got {} and {}",
             a.shape(), b.shape());
  return {numel(a_batch), M, Ka, N, b_shared};
}

// `batch` GEMMs; x_stride = elements between batch elements. A stride-0 C (the gradient of a
// b shared by every batch element) receives every product in turn, so those GEMMs must run one
// after another; otherwise kernels::gemm_batched may run them side by side.
void batched_gemm(GemmArgs g, int64_t batch, int64_t a_stride, int64_t b_stride, int64_t c_stride) {
  if (c_stride != 0 || batch <= 1) return kernels::gemm_batched(g, batch, a_stride, b_stride, c_stride);
  for (int64_t i = 0; i < batch; ++i, g.A += a_stride, g.B += b_stride, g.accumulate = true) kernels::gemm(g);
}

// Where the GEMMs of a backward write x's gradient: its grad buffer, and whether they add to it
// (it already holds another op's contribution) or write it (fresh: see Tensor::grad_buffer).
// With no GEMM to run (an empty batch) the gradient is zeros.
struct GradTarget {
  float* data;
  bool accumulate;
};
GradTarget grad_target(const Tensor& x, int64_t gemms) {
  if (gemms == 0) return {x.grad_data(), true};
  const Tensor::GradBuffer buffer = x.grad_buffer();
  return {buffer.data, !buffer.fresh};
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool ta, bool tb, float alpha) {
  const MatmulDims d = matmul_dims(a, b, ta, tb);
  Shape out_shape(a.shape().begin(), a.shape().end() - 2);
  out_shape.insert(out_shape.end(), {d.M, d.N});
  Tensor out = Tensor::empty(out_shape);  // [..., M, N]
  const int64_t sa = d.M * d.K, sb = d.b_shared ? 0 : d.K * d.N, sc = d.M * d.N;
  const int64_t lda = ta ? d.M : d.K, ldb = tb ? d.K : d.N;

  // forward: C = op(A) · op(B)
  batched_gemm({.trans_a = ta, .trans_b = tb, .M = d.M, .N = d.N, .K = d.K, .A = a.data(), .lda = lda,
                .B = b.data(), .ldb = ldb, .C = out.data(), .ldc = d.N},
               d.batch, sa, sb, sc);
  if (alpha != 1.0f) {  // C = α · C, the same rounding as a separate scale op
    float* c = out.data();
    detail::parallel_chunks(out.numel(), [&](int64_t i, int64_t n) { kernels::scale_simd(alpha, c + i, c + i, n); });
  }

  return record(out, "matmul", {a, b}, [=](const Tensor&, const Tensor& dout) {
    std::vector<float> scaled;  // α · dC, only when there is a scale
    if (alpha != 1.0f) {
      scaled.resize(dout.numel());
      kernels::scale_simd(alpha, dout.data(), scaled.data(), dout.numel());
    }
    const float* dC = alpha != 1.0f ? scaled.data() : dout.data();
    if (a.requires_grad()) {
      const GradTarget dA = grad_target(a, d.batch);
      if (!ta)  // dA [M, K] += dC [M, N] · op(B)ᵀ
        batched_gemm({.trans_b = !tb, .M = d.M, .N = d.K, .K = d.N, .A = dC, .lda = d.N, .B = b.data(), .ldb = ldb,
                      .C = dA.data, .ldc = d.K, .accumulate = dA.accumulate},
                     d.batch, sc, sb, sa);
      else  // dA [K, M] += op(B) [K, N] · dCᵀ
        batched_gemm({.trans_a = tb, .trans_b = true, .M = d.K, .N = d.M, .K = d.N, .A = b.data(), .lda = ldb,
                      .B = dC, .ldb = d.N, .C = dA.data, .ldc = d.M, .accumulate = dA.accumulate},
                     d.batch, sb, sc, sa);
    }
    if (b.requires_grad()) {
      // A shared b sums the contributions of every batch element (its stride is 0).
      const GradTarget dB = grad_target(b, d.batch);
      if (!tb)  // dB [K, N] += op(A)ᵀ · dC
        batched_gemm({.trans_a = !ta, .M = d.K, .N = d.N, .K = d.M, .A = a.data(), .lda = lda, .B = dC, .ldb = d.N,
                      .C = dB.data, .ldc = d.N, .accumulate = dB.accumulate},
                     d.batch, sa, sc, sb);
      else  // dB [N, K] += dCᵀ · op(A)
        batched_gemm({.trans_a = true, .trans_b = ta, .M = d.N, .N = d.K, .K = d.M, .A = dC, .lda = d.N,
                      .B = a.data(), .ldb = lda, .C = dB.data, .ldc = d.K, .accumulate = dB.accumulate},
                     d.batch, sc, sa, sb);
    }
  });
}

// ---- linear: out = x · Wᵀ + b  (nn.Linear; W is [out, in] as PyTorch stores it) ---------------
// Forward packs W into the GEMM's micro-panels. For a few rows of x (a sentence at inference)
// that pass over W costs as much as the multiply, so a weight that stays the same from call to
// call (keep_packed_weight) keeps its packed copy with it (TensorImpl::packed), made again only
// when its numbers changed (Tensor::version). One being trained changes after every step: it is
// packed by the GEMM as it goes, and keeps no second copy. The product is the same bit for bit.
// Rows of x: R = numel / in.  Forward did out[r, j] = Σ_c x[r, c]·W[j, c] + b[j], so
//   dx [R, in]   += dout [R, out] · W [out, in]
//   dW [out, in] += doutᵀ · x
//   db [out]     += Σ_r dout[r, :]
// Backward skips the rows of dout that are all zero (skip_zero_rows, below): they add nothing.
namespace {

// The rows of dout that carry a gradient, with the same rows of x: a masked-LM loss ignores every
// position labelled -100 (85% in BERT's recipe), so most rows of the decoder's dout — the largest
// GEMM of a training step — are zero. The sums are the same without their zero terms (grouped by
// the GEMM's k blocks differently, so they may round differently); docs/speed.md measures it.
struct LiveRows {
  bool all;                   // every row is live: dout and x are the originals, rows is empty
  std::vector<int64_t> rows;  // otherwise the live rows' indices into [0, R), L of them
  Tensor dout, x;             // [L, out], [L, in]
};

// The rows of the [R, n] matrix m that hold a value other than 0 (a NaN counts: it must
// propagate); each row's scan stops at its first such value, so a dense matrix costs R reads.
std::vector<int64_t> nonzero_rows(const float* m, int64_t R, int64_t n) {
  std::vector<uint8_t> live(R);
  detail::parallel_rows(R, n, [&](int64_t r) {
    live[r] = std::any_of(m + r * n, m + (r + 1) * n, [](float v) { return v != 0.0f; });
  });
  std::vector<int64_t> rows;
  for (int64_t r = 0; r < R; ++r)
    if (live[r]) rows.push_back(r);
  return rows;
}

// out [rows.size(), n] = the given rows of the [.., n] matrix m, in order.
Tensor gather_rows(const float* m, int64_t n, const std::vector<int64_t>& rows) {
  Tensor out = Tensor::empty({static_cast<int64_t>(rows.size()), n});
  float* o = out.data();
  detail::parallel_rows(static_cast<int64_t>(rows.size()), n,
                        [&](int64_t i) { std::copy_n(m + rows[i] * n, n, o + i * n); });
  return out;
}

LiveRows skip_zero_rows(const Tensor& dout, const Tensor& x, int64_t R, int64_t out_features, int64_t in) {
  std::vector<int64_t> rows = nonzero_rows(dout.data(), R, out_features);
  if (static_cast<int64_t>(rows.size()) == R) return {true, {}, dout, x};
  Tensor dout_live = gather_rows(dout.data(), out_features, rows), x_live = gather_rows(x.data(), in, rows);
  return {false, std::move(rows), dout_live, x_live};
}

// target[rows[i], :] += from[i, :] for the [R, n] matrix target; when it is fresh (not
// accumulating) the rows not named are zeroed first.
void scatter_add_rows(const Tensor& from, const std::vector<int64_t>& rows, GradTarget target, int64_t R, int64_t n) {
  if (!target.accumulate) std::fill_n(target.data, R * n, 0.0f);
  detail::parallel_rows(static_cast<int64_t>(rows.size()), n, [&](int64_t i) {
    const float* f = from.data() + i * n;
    float* t = target.data + rows[i] * n;
    for (int64_t c = 0; c < n; ++c) t[c] += f[c];
  });
}

// W [out, in] packed as the B of x·Wᵀ, made once per version of W's numbers; the bytes are
// counted as packed_weights (tensor/memory.h) for as long as the copy lives.
const kernels::PackedB& packed_weight(const Tensor& weight) {
  TensorImpl& w = *weight.impl();
  if (!w.packed || w.packed_version != w.version) {
    w.packed.reset();  // the stale copy goes first, so that the two are never held at once
    auto packed = std::make_unique<kernels::PackedB>(kernels::GemmArgs{
        .trans_b = true, .N = weight.size(0), .K = weight.size(1), .B = weight.data(), .ldb = weight.size(1)});
    const memory::MemoryTag tag(memory::Tag::packed_weights);
    const int64_t bytes = packed->bytes();
    const memory::Tag counted = memory::counted_in(bytes);
    w.packed = std::shared_ptr<const kernels::PackedB>(packed.release(), [bytes, counted](const kernels::PackedB* p) {
      delete p;
      memory::counted_out(bytes, counted);
    });
    w.packed_version = w.version;
  }
  return *w.packed;
}

}  // namespace

void release_packed_weight(const Tensor& weight) {
  if (weight.defined()) weight.impl()->packed.reset();
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, bool keep_packed_weight) {
  BERT_CHECK(weight.dim() == 2 && x.dim() >= 1 && x.size(-1) == weight.size(1),
             "linear: expected x [.., in] and weight [out, in] with equal in, got {} and {}", x.shape(),
             weight.shape());
  const int64_t in = weight.size(1), out_features = weight.size(0), R = x.numel() / std::max<int64_t>(in, 1);
  BERT_CHECK(!bias.defined() || bias.shape() == Shape{out_features},
             "linear: expected bias [{}], got {}", out_features, bias.shape());
  Shape out_shape = x.shape();
  out_shape.back() = out_features;
  Tensor out = Tensor::empty(out_shape);  // [.., out]
  kernels::gemm({.trans_b = true, .M = R, .N = out_features, .K = in, .A = x.data(), .lda = in, .B = weight.data(),
                 .ldb = in, .C = out.data(), .ldc = out_features, .bias = bias.defined() ? bias.data() : nullptr,
                 .packed_b = keep_packed_weight ? &packed_weight(weight) : nullptr});

  return record(out, "linear", {x, weight, bias}, [=](const Tensor&, const Tensor& dout) {
    const LiveRows live = skip_zero_rows(dout, x, R, out_features, in);
    const int64_t L = live.all ? R : static_cast<int64_t>(live.rows.size());
    if (x.requires_grad()) {  // dx [R, in] += dout [R, out] · W [out, in]
      const GradTarget dx = grad_target(x, 1);
      if (live.all) {
        kernels::gemm({.M = R, .N = in, .K = out_features, .A = live.dout.data(), .lda = out_features,
                       .B = weight.data(), .ldb = in, .C = dx.data, .ldc = in, .accumulate = dx.accumulate});
      } else {  // the live rows of dx from one GEMM; the others get nothing
        Tensor dx_live = Tensor::empty({L, in});
        kernels::gemm({.M = L, .N = in, .K = out_features, .A = live.dout.data(), .lda = out_features,
                       .B = weight.data(), .ldb = in, .C = dx_live.data(), .ldc = in});
        scatter_add_rows(dx_live, live.rows, dx, R, in);
      }
    }
    if (weight.requires_grad()) {  // dW [out, in] += doutᵀ [out, L] · x [L, in]
      const GradTarget dw = grad_target(weight, 1);
      kernels::gemm({.trans_a = true, .M = out_features, .N = in, .K = L, .A = live.dout.data(), .lda = out_features,
                     .B = live.x.data(), .ldb = in, .C = dw.data, .ldc = in, .accumulate = dw.accumulate});
    }
    if (bias.defined() && bias.requires_grad()) {  // db[j] += Σ_r dout[r, j]
      float* db = bias.grad_data();
      const float* g = live.dout.data();
      constexpr int64_t kSlice = 256;  // columns per task; each column summed in row order, on one core
      detail::parallel_rows((out_features + kSlice - 1) / kSlice, kSlice * L, [&](int64_t slice) {
        const int64_t j0 = slice * kSlice, j1 = std::min(out_features, j0 + kSlice);
        for (int64_t r = 0; r < L; ++r)
          for (int64_t j = j0; j < j1; ++j) db[j] += g[r * out_features + j];
      });
    }
  });
}

}  // namespace bertlab
