// Softmax kernels over one row of n floats.
//
//   y[i] = exp(x[i] + m[i] - max) / Σ_j exp(x[j] + m[j] - max)   (m = additive mask, may be null)
// Subtracting the row max first keeps exp from overflowing; masked entries (m = -inf) get
// exactly 0. Example: x = [0, ln 3] -> y = [1/4, 3/4].
// NaN and inf propagate as in PyTorch: a NaN anywhere makes the whole row NaN (its exp poisons
// the sum), and so does +inf (inf - max = inf - inf = NaN).
// A fully masked row (all -inf) has no softmax. PyTorch gives NaN; we give zeros, so attention
// to no key at all contributes nothing. HF's BertModel never builds such a row with -inf: its
// additive mask is torch.finfo(float32).min, which swallows every score, so a sequence whose
// attention_mask is all 0 gets uniform probabilities 1/S there. Only such a sequence differs
// from HF (the tokenizer always keeps [CLS] and [SEP]); with any key kept, the results agree.
//
// Backward (y saved):  dx[i] += y[i] * (dy[i] - Σ_j dy[j] y[j]).
#pragma once

#include <cstdint>

namespace bertlab::kernels {

void softmax_row_ref(const float* x, const float* mask, float* y, int64_t n);
void softmax_row_backward_ref(const float* y, const float* dy, float* dx, int64_t n);

// log Σ_j exp(x[j]), computed stably as max + log Σ exp(x[j] - max) (for cross-entropy).
float log_sum_exp_ref(const float* x, int64_t n);

// The same three with xsimd (vectorized exp and log, within 3 ulp of the C library's).
void softmax_row_simd(const float* x, const float* mask, float* y, int64_t n);
void softmax_row_backward_simd(const float* y, const float* dy, float* dx, int64_t n);
float log_sum_exp_simd(const float* x, int64_t n);

}  // namespace bertlab::kernels
