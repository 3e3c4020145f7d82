#include "nn/schedule.h"  // defines: linear_schedule_with_warmup, clip_grad_norm_

#include <algorithm>
#include <cmath>

namespace bertlab::nn {

double linear_schedule_with_warmup(double base_lr, int64_t step, int64_t warmup_steps, int64_t total_steps) {
  if (step < warmup_steps) return base_lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup_steps));
  const double remaining = static_cast<double>(total_steps - step);
  return base_lr * std::max(0.0, remaining / static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps)));
}

float clip_grad_norm_(const std::vector<Tensor>& params, float max_norm) {
  double sum_sq = 0.0;
  for (const Tensor& p : params) {
    if (!p.grad().defined()) continue;
    const float* g = p.grad().data();
    for (int64_t i = 0, end = p.numel(); i < end; ++i) sum_sq += static_cast<double>(g[i]) * g[i];
  }
  const float total_norm = static_cast<float>(std::sqrt(sum_sq));
  const float clip_coef = max_norm / (total_norm + 1e-6f);
  if (clip_coef < 1.0f)
    for (const Tensor& p : params) {
      if (!p.grad().defined()) continue;
      float* g = p.grad().data();
      for (int64_t i = 0, end = p.numel(); i < end; ++i) g[i] *= clip_coef;
    }
  return total_norm;
}

}  // namespace bertlab::nn
