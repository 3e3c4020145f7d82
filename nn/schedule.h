// Learning-rate schedule and gradient clipping, the two helpers every BERT fine-tuning uses.
//
// Linear warmup then linear decay (HF get_linear_schedule_with_warmup): at step t of T,
//   lr(t) = base · t / W                   for t < W       (W warmup steps)
//   lr(t) = base · max(0, (T − t) / (T − W))  afterwards
// e.g. base 1e-4, W = 10, T = 110: lr(5) = 5e-5, lr(10) = 1e-4, lr(60) = 5e-5, lr(110) = 0.
//
// clip_grad_norm_ (torch.nn.utils.clip_grad_norm_): if the global L2 norm of all gradients
// exceeds max_norm, scale every gradient by max_norm / (norm + 1e-6). Returns the norm before.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::nn {

double linear_schedule_with_warmup(double base_lr, int64_t step, int64_t warmup_steps, int64_t total_steps);

float clip_grad_norm_(const std::vector<Tensor>& params, float max_norm);

}  // namespace bertlab::nn
