#include "tensor/gradient_checkpointing.h"  // defines: checkpoint

#include <random>

#include "tensor/autograd.h"  // defines: record, run_backward, NoGradGuard, EnableGradGuard
#include "tensor/memory.h"    // defines: MemoryTag
#include "tensor/ops/parallel.h"  // defines: parallel_chunks
#include "tensor/random.h"    // defines: default_generator

namespace bertlab {

Tensor checkpoint(const Segment& segment, const Tensor& input, const std::vector<Tensor>& params) {
  std::vector<Tensor> inputs{input};
  for (const Tensor& p : params)
    if (p.requires_grad()) inputs.push_back(p);
  if (!needs_grad(inputs)) return segment(input);  // nothing to differentiate: a plain forward

  const std::mt19937_64 rng_before = default_generator().engine();  // dropout's source (PyTorch: preserve_rng_state)
  Tensor output;
  {
    NoGradGuard no_grad;
    output = segment(input);
  }
  return record(output, "checkpoint", std::move(inputs),
                [segment, input, rng_before](const Tensor& /*out*/, const Tensor& dout) {
                  // 1. The forward again, recorded, from a leaf of its own that stands for input.
                  Tensor x = input.detach();
                  if (input.requires_grad()) x.requires_grad_();
                  std::mt19937_64& rng = default_generator().engine();
                  const std::mt19937_64 rng_now = rng;
                  rng = rng_before;
                  Tensor y;
                  {
                    EnableGradGuard grad_on;  // backward runs with recording off
                    memory::MemoryTag tag(memory::Tag::recomputed);  // for the Trainer's memory ledger
                    y = segment(x);
                  }
                  rng = rng_now;  // the rest of training draws what it would have drawn
                  // 2. Backward through the segment: the params' .grad accumulate here.
                  run_backward(y, dout);
                  // 3. d(loss)/d(input), handed on.
                  if (!input.requires_grad() || !x.grad().defined()) return;
                  const Tensor::GradBuffer g = input.grad_buffer();
                  const float* gx = x.grad().data();
                  detail::parallel_chunks(input.numel(), [&](int64_t begin, int64_t count) {
                    float* d = g.add_into(begin, count);
                    for (int64_t i = 0; i < count; ++i) d[i] += gx[begin + i];
                  });
                });
}

}  // namespace bertlab
