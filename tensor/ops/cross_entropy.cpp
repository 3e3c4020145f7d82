// cross_entropy (fused log-softmax + negative log-likelihood), as F.cross_entropy.
//
//   loss = (1/T) Σ_{rows r with t_r != ignore_index} ( logsumexp(z_r) - z_r[t_r] )
//   T = the number of rows that count.  Rows whose target is ignore_index (-100: "no label",
//   e.g. unmasked positions in masked-LM) add nothing and are not counted.
// Backward: d/dz_r[c] (logsumexp(z_r) - z_r[t]) = softmax(z_r)[c] - [c == t], so
//   dz_r[c] += dloss / T · (softmax(z_r)[c] - [c == t_r])      for counted rows.
// If no row counts, the mean is 0/0 = NaN, as in PyTorch.
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.CrossEntropyLoss.html
#include <cmath>
#include <limits>
#include <vector>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/kernels/softmax.h"
#include "tensor/ops.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

Tensor cross_entropy(const Tensor& logits, const IntTensor& targets, int64_t ignore_index) {
  BERT_CHECK(logits.dim() == 2 && targets.shape == Shape{logits.size(0)},
             "cross_entropy: expected logits [M, K] and targets [M], got {} and {}", logits.shape(), targets.shape);
  const int64_t M = logits.size(0), K = logits.size(1);
  double total = 0.0;
  int64_t counted = 0;
  for (int64_t r = 0; r < M; ++r) {
    const int64_t t = targets.data[r];
    if (t == ignore_index) continue;
    BERT_CHECK(t >= 0 && t < K, "cross_entropy: target out of range: expected 0 <= target < {} or {}, got {} at row {}",
               K, ignore_index, t, r);
    const float* z = logits.data() + r * K;
    total += kernels::log_sum_exp_simd(z, K) - z[t];
    ++counted;
  }
  const float loss = counted > 0 ? static_cast<float>(total / counted) : std::numeric_limits<float>::quiet_NaN();
  Tensor out = Tensor::scalar(loss);

  return record(out, "cross_entropy", {logits}, [=](const Tensor&, const Tensor& dout) {
    if (counted == 0) return;
    const float g = dout.item() / static_cast<float>(counted);
    const Tensor::GradBuffer dlogits = logits.grad_buffer();
    detail::parallel_rows(M, K, [&](int64_t r) {  // rows on every core; each row on one
      float* d = dlogits.add_into(r * K, K);
      const int64_t t = targets.data[r];
      if (t == ignore_index) return;
      std::vector<float> p(K);
      kernels::softmax_row_simd(logits.data() + r * K, nullptr, p.data(), K);
      p[t] -= 1.0f;
      for (int64_t c = 0; c < K; ++c) d[c] += g * p[c];
    });
  });
}

}  // namespace bertlab
