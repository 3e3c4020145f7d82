#include "nn/optim.h"  // defines: Optimizer, AdamW, SGD, decay_groups

#include <cmath>

#include "tensor/ops/parallel.h"  // defines: parallel_chunks

namespace bertlab::nn {

void Optimizer::zero_grad() {
  for (ParamGroup& g : groups_)
    for (Tensor& p : g.params) p.zero_grad();
}

namespace {
std::vector<std::vector<Tensor>> zeros_like_groups(const std::vector<ParamGroup>& groups) {
  std::vector<std::vector<Tensor>> state;
  for (const ParamGroup& g : groups) {
    state.emplace_back();
    for (const Tensor& p : g.params) state.back().push_back(Tensor::zeros(p.shape()));
  }
  return state;
}
}  // namespace

namespace {
struct AdamWScalars {
  float decay, b1, b2, c1, c2, step_size, bias_correction2_sqrt, eps;
};

// The update of n elements, in PyTorch's order of operations. __restrict promises that w, m, v
// and g do not overlap, so the compiler may update 8 elements per instruction (sqrt and
// division in vector registers round exactly as the scalar ones).
void adamw_update(float* __restrict w, float* __restrict m, float* __restrict v, const float* __restrict g,
                  int64_t n, const AdamWScalars& s) {
  for (int64_t i = 0; i < n; ++i) {
    w[i] *= s.decay;
    m[i] = m[i] * s.b1 + s.c1 * g[i];
    v[i] = v[i] * s.b2 + s.c2 * g[i] * g[i];
    const float denom = std::sqrt(v[i]) / s.bias_correction2_sqrt + s.eps;
    w[i] -= s.step_size * (m[i] / denom);
  }
}
}  // namespace

AdamW::AdamW(std::vector<ParamGroup> groups, double lr_, double beta1_, double beta2_, double eps_)
    : Optimizer(std::move(groups), lr_), beta1(beta1_), beta2(beta2_), eps(eps_) {
  exp_avg = zeros_like_groups(groups_);
  exp_avg_sq = zeros_like_groups(groups_);
}

void AdamW::step() {
  ++step_count;
  // The scalars in double, then used as float, as PyTorch does with Python floats.
  const double bias_correction1 = 1.0 - std::pow(beta1, step_count);
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2, step_count));
  const float step_size = static_cast<float>(lr / bias_correction1);
  // PyTorch computes 1 − β in double (Python floats) and hands the kernel a float.
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float c1 = static_cast<float>(1.0 - beta1), c2 = static_cast<float>(1.0 - beta2);
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const float decay = static_cast<float>(1.0 - lr * groups_[gi].weight_decay);
    for (size_t pi = 0; pi < groups_[gi].params.size(); ++pi) {
      const Tensor& p = groups_[gi].params[pi];
      if (!p.grad().defined()) continue;  // untouched this step (PyTorch skips grad None)
      float *w = p.data(), *m = exp_avg[gi][pi].data(), *v = exp_avg_sq[gi][pi].data();
      const float* g = p.grad().data();
      const AdamWScalars s{decay, b1, b2, c1, c2, step_size, static_cast<float>(bias_correction2_sqrt),
                           static_cast<float>(eps)};
      // Each element's update is independent of the others: chunks go to all the cores.
      detail::parallel_chunks(p.numel(), [&](int64_t i, int64_t n) { adamw_update(w + i, m + i, v + i, g + i, n, s); });
      p.bump_version();  // its numbers changed in place: copies made of them are stale
    }
  }
}

SGD::SGD(std::vector<ParamGroup> groups, double lr_, float momentum_)
    : Optimizer(std::move(groups), lr_), momentum(momentum_) {
  for (const ParamGroup& g : groups_) momentum_buffer.emplace_back(g.params.size());
}

void SGD::step() {
  for (size_t gi = 0; gi < groups_.size(); ++gi)
    for (size_t pi = 0; pi < groups_[gi].params.size(); ++pi) {
      const Tensor& p = groups_[gi].params[pi];
      if (!p.grad().defined()) continue;
      const float wd = static_cast<float>(groups_[gi].weight_decay);
      Tensor d = p.grad().clone();  // d = g + wd·p
      for (int64_t i = 0, end = p.numel(); i < end; ++i) d.data()[i] += wd * p.data()[i];
      if (momentum != 0.0f) {
        Tensor& buf = momentum_buffer[gi][pi];
        if (!buf.defined()) {
          buf = d.clone();
        } else {
          for (int64_t i = 0, end = p.numel(); i < end; ++i) buf.data()[i] = momentum * buf.data()[i] + d.data()[i];
        }
        d = buf;
      }
      const float step = static_cast<float>(lr);
      for (int64_t i = 0, end = p.numel(); i < end; ++i) p.data()[i] -= step * d.data()[i];
      p.bump_version();
    }
}

std::vector<ParamGroup> decay_groups(const std::vector<std::pair<std::string, Tensor>>& named_params,
                                     double weight_decay) {
  ParamGroup decay{{}, weight_decay}, no_decay{{}, 0.0};
  for (const auto& [name, p] : named_params) {
    if (!p.requires_grad()) continue;
    const bool is_bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
    const bool is_layer_norm = name.find("LayerNorm.weight") != std::string::npos;
    (is_bias || is_layer_norm ? no_decay : decay).params.push_back(p);
  }
  return {decay, no_decay};
}

}  // namespace bertlab::nn
