#include <catch2/catch.hpp>

#include <cmath>

#include "bert/checkpoint.h"
#include "bert/for_masked_lm.h"
#include "nn/optim.h"
#include "nn/schedule.h"
#include "tests/support/all_close.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

using namespace bertlab;
using namespace bertlab::testing;

TEST_CASE("AdamW: the first step by hand", "[optim]") {
  // Step 1 with m = v = 0: m = 0.1 g, v = 0.001 g², so m / (1 - 0.9) = g and √(v / (1 - 0.999)) = |g|:
  // p ← p (1 - lr wd) - lr g / (|g| + eps) = 1 · (1 - 0.1 · 0.5) - 0.1 · sign(g) (for |g| >> eps)
  Tensor p = Tensor::from_vector({1.0f, 1.0f}, {2}).requires_grad_();
  p.impl()->grad = Tensor::from_vector({2.0f, -3.0f}, {2}).impl_ptr();
  nn::AdamW opt({{{p}, 0.5}}, 0.1);
  opt.step();
  CHECK(p.data()[0] == Approx(0.95f - 0.1f));
  CHECK(p.data()[1] == Approx(0.95f + 0.1f));
}

TEST_CASE("SGD: momentum accumulates as torch.optim.SGD", "[optim]") {
  Tensor p = Tensor::from_vector({0.0f}, {1}).requires_grad_();
  nn::SGD opt({{{p}, 0.0}}, 0.1, 0.9f);
  for (int step = 0; step < 2; ++step) {
    p.impl()->grad = Tensor::from_vector({1.0f}, {1}).impl_ptr();
    opt.step();
  }
  // b1 = 1, p = -0.1; b2 = 0.9 + 1 = 1.9, p = -0.1 - 0.19 = -0.29
  CHECK(p.data()[0] == Approx(-0.29f));
}

TEST_CASE("linear_schedule_with_warmup and clip_grad_norm_", "[optim]") {
  CHECK(nn::linear_schedule_with_warmup(1e-4, 5, 10, 110) == Approx(5e-5));
  CHECK(nn::linear_schedule_with_warmup(1e-4, 10, 10, 110) == Approx(1e-4));
  CHECK(nn::linear_schedule_with_warmup(1e-4, 60, 10, 110) == Approx(5e-5));
  CHECK(nn::linear_schedule_with_warmup(1e-4, 200, 10, 110) == 0.0);
  Tensor a = Tensor::zeros({2}).requires_grad_();
  a.impl()->grad = Tensor::from_vector({3.0f, 4.0f}, {2}).impl_ptr();  // norm 5
  CHECK(nn::clip_grad_norm_({a}, 1.0f) == Approx(5.0f));
  CHECK(a.grad().data()[0] == Approx(0.6f).epsilon(1e-5));
  CHECK(a.grad().data()[1] == Approx(0.8f).epsilon(1e-5));
}

namespace {
// AdamW exactly as the fixture: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on ALL
// parameters (the tied matrix once).
nn::AdamW fixture_adamw(const bert::BertForMaskedLM& model) {
  return nn::AdamW({{model.parameters(), 0.01}}, 1e-3, 0.9, 0.999, 1e-8);
}
}  // namespace

TEST_CASE("AdamW: one step from the golden gradients matches torch.optim.AdamW", "[optim][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  auto model = bert::from_pretrained<bert::BertForMaskedLM>(*dir);
  for (auto& [name, p] : model->named_parameters()) p.impl()->grad = golden.tensor("grad." + name).clone().impl_ptr();
  nn::AdamW opt = fixture_adamw(*model);
  opt.step();
  for (auto& [name, p] : model->named_parameters()) {
    INFO(name);
    CHECK_THAT(p, AllClose(golden.tensor("adamw1." + name), 1e-6, 0.0));
  }
}

TEST_CASE("AdamW: two end-to-end training steps match PyTorch (two-tier rule)", "[optim][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  auto model = bert::from_pretrained<bert::BertForMaskedLM>(*dir);
  nn::AdamW opt = fixture_adamw(*model);
  for (int step = 1; step <= 2; ++step) {
    adamw_step_on_golden(*model, opt, golden, step);
    // Where the step-1 gradient is tiny (|g| < 1e-6) the update g/(|g| + eps) is float noise:
    // allow 2·lr there, 1e-5 elsewhere (the fixture README's rule).
    for (auto& [name, p] : model->named_parameters()) {
      const Tensor want = golden.tensor(fmt::format("adamw{}.{}", step, name));
      const Tensor g = golden.tensor("grad." + name);
      int64_t bad = 0;
      for (int64_t i = 0; i < p.numel(); ++i) {
        const float tol = std::fabs(g.data()[i]) >= 1e-6f ? 1e-5f : 2e-3f;
        bad += std::fabs(p.data()[i] - want.data()[i]) > tol;
      }
      INFO(name << " at step " << step);
      CHECK(bad == 0);
    }
  }
}
