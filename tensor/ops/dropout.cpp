// dropout (fused): during training zero each element with probability p and scale the
// survivors by 1 / (1 - p), so the expected value of every element is unchanged; in eval mode
// it is the identity (and records nothing).
//
//   out = x · keep / (1 - p),  keep ~ Bernoulli(1 - p)   =>   dx += dout · keep / (1 - p)
// Saved: the scaled mask (keep / (1 - p)), drawn once in forward and reused by backward.
// Reference: https://pytorch.org/docs/1.13/generated/torch.nn.Dropout.html
#include <memory>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
  BERT_CHECK(p >= 0.0f && p <= 1.0f, "dropout: expected a probability in [0, 1], got {}", p);
  if (!training || p == 0.0f) return x;
  auto mask = std::make_shared<std::vector<float>>(x.numel());
  const float survivor_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  for (float& m : *mask) m = gen.uniform() < p ? 0.0f : survivor_scale;

  Tensor out = Tensor::empty(x.shape());
  const float *px = x.data(), *pm = mask->data();
  float* po = out.data();
  for (size_t i = 0; i < mask->size(); ++i) po[i] = px[i] * pm[i];
  return record(out, "dropout", {x}, [x, mask](const Tensor&, const Tensor& dout) {
    const float *g = dout.data(), *pm = mask->data();
    float* dx = x.grad_data();
    for (size_t i = 0; i < mask->size(); ++i) dx[i] += g[i] * pm[i];
  });
}

}  // namespace bertlab
