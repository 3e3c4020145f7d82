// dropout (fused): during training zero each element with probability p and scale the
// survivors by 1 / (1 - p), so the expected value of every element is unchanged; in eval mode
// it is the identity (and records nothing).
//
//   out = x · keep / (1 - p),  keep ~ Bernoulli(1 - p)   =>   dx += dout · keep / (1 - p)
// Saved: the keep mask, one byte per element (as PyTorch's bool mask), drawn once in forward
// and reused by backward; for attention probabilities it is the largest thing a layer saves.
// The mask comes from a counter-based stream (uniform_at, tensor/random.h) keyed by one draw
// of gen: every core draws its own chunk, and the mask is the same for any thread count.
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.Dropout.html
#include <memory>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
  BERT_CHECK(p >= 0.0f && p <= 1.0f, "dropout: expected a probability in [0, 1], got {}", p);
  if (!training || p == 0.0f) return x;
  const uint64_t key = gen.next_u64();  // one draw per call: a run stays reproducible from its seed
  const float survivor_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  auto keep = std::make_shared<std::vector<uint8_t>>(x.numel());
  Tensor out = Tensor::empty(x.shape());
  const float* px = x.data();
  float* po = out.data();
  uint8_t* pk = keep->data();
  detail::parallel_chunks(x.numel(), [&](int64_t begin, int64_t count) {
    for (int64_t i = begin; i < begin + count; ++i) {
      pk[i] = uniform_at(key, i) >= p;
      po[i] = px[i] * (pk[i] ? survivor_scale : 0.0f);
    }
  });
  return record(out, "dropout", {x}, [x, keep, survivor_scale](const Tensor&, const Tensor& dout) {
    const float* g = dout.data();
    const uint8_t* k = keep->data();
    const Tensor::GradBuffer dx = x.grad_buffer();
    detail::parallel_chunks(dout.numel(), [&](int64_t begin, int64_t count) {
      float* d = dx.add_into(begin, count);
      for (int64_t i = 0; i < count; ++i) d[i] += g[begin + i] * (k[begin + i] ? survivor_scale : 0.0f);
    });
  });
}

}  // namespace bertlab
