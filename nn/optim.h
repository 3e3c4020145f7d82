// Optimizers: how parameters move once backward has filled their .grad.
//
// AdamW (Loshchilov & Hutter), exactly as torch.optim.AdamW (torch 1.13, single-tensor path):
//   p ← p·(1 − lr·wd)                                  decoupled weight decay
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²     running moments
//   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)   bias-corrected step
// SGD with momentum, as torch.optim.SGD:  b ← μ·b + g (b = g at the first step),  p ← p − lr·b.
// Parameters come in groups so that, e.g., biases and LayerNorm weights get no weight decay.
//   AdamW opt({{decay_params, 0.01}, {no_decay_params, 0.0}}, /*lr=*/5e-5);
//   loss.backward(); opt.step(); opt.zero_grad();
#pragma once

#include <vector>

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::nn {

struct ParamGroup {
  std::vector<Tensor> params;
  double weight_decay = 0.0;
};

class Optimizer {
 public:
  explicit Optimizer(std::vector<ParamGroup> groups, double lr) : lr(lr), groups_(std::move(groups)) {}
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();
  const std::vector<ParamGroup>& groups() const { return groups_; }

  double lr;  // set by a schedule before each step

 protected:
  std::vector<ParamGroup> groups_;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8);
  void step() override;

  double beta1, beta2, eps;  // double, like the Python floats PyTorch computes with
  int64_t step_count = 0;
  std::vector<std::vector<Tensor>> exp_avg, exp_avg_sq;  // m and v, per group and parameter
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<ParamGroup> groups, double lr, float momentum = 0.0f);
  void step() override;

  float momentum;
  std::vector<std::vector<Tensor>> momentum_buffer;  // undefined until a parameter's first step
};

// Split a model's named parameters as HF's Trainer does: no weight decay for biases and
// LayerNorm weights, `weight_decay` for everything else. Frozen parameters are left out.
std::vector<ParamGroup> decay_groups(const std::vector<std::pair<std::string, Tensor>>& named_params,
                                     double weight_decay);

}  // namespace bertlab::nn
