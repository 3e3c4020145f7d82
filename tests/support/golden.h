// compare_with_golden: check `bertlab forward`-style outputs against a fixture's golden.safetensors
// by the rules of the fixture READMEs (models/tiny-bert*, tiny-bert-lora). Every golden tensor the
// pass should produce must be there, by name: a gradient that never arrives (a parameter cut off
// from the graph) or an output left out fails the test, it is not skipped.
//   const auto outputs = forward_outputs(dir, Task::mlm, golden, true);
//   CHECK(compare_with_golden(outputs, golden) == 1 + 42 + ...);
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>
#include <string>

#include "bert/for_masked_lm.h"
#include "nn/optim.h"
#include "tensor/safetensors.h"
#include "tests/support/all_close.h"

namespace bertlab::testing {

inline bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

inline double max_abs(const Tensor& t) {
  double m = 0.0;
  for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, std::fabs(static_cast<double>(t.data()[i])));
  return m;
}

// The golden tensors a forward (+ backward) pass reproduces: every F32 tensor of the file but the
// informational extended_attention_mask, the AdamW states adamw*.* (compared by the AdamW tests) and
// the out-of-range QA case oor.* (compared by the QA test), and but those starting with one of
// `not_this_model`: another model's tensors in the same file (mlm_* when BertModel runs on tiny-bert).
inline std::set<std::string> golden_outputs(const SafetensorsFile& golden,
                                            const std::vector<std::string>& not_this_model = {}) {
  std::set<std::string> names;
  for (const std::string& name : golden.names()) {
    if (golden.entry(name).dtype != "F32" || name == "extended_attention_mask" || starts_with(name, "adamw") ||
        starts_with(name, "oor."))
      continue;
    if (std::none_of(not_this_model.begin(), not_this_model.end(), [&](const auto& p) { return starts_with(name, p); }))
      names.insert(name);
  }
  return names;
}

// Requires `outputs` to hold exactly golden_outputs(golden, not_this_model), by name (a missing
// gradient, output or debug.* intermediate fails here, listed), then compares every one:
//   forward tensors  |mine - gold| <= 1e-5 + 1e-5·|gold|       (elementwise; debug.* too)
//   losses           |mine - gold| <= 1e-5 + 1e-6·|gold|
//   grad.* tensors   max|mine - gold| <= 1e-4·max|gold| + 1e-6  (per tensor)
//   merged.* (LoRA)  |mine - gold| <= 1e-6                     (elementwise)
// and returns how many were compared.
inline int compare_with_golden(const std::map<std::string, Tensor>& outputs, const SafetensorsFile& golden,
                               const std::vector<std::string>& not_this_model = {}) {
  const std::set<std::string> want = golden_outputs(golden, not_this_model);
  std::vector<std::string> missing, unexpected;
  for (const std::string& name : want)
    if (!outputs.count(name)) missing.push_back(name);
  for (const auto& [name, t] : outputs)
    if (!want.count(name)) unexpected.push_back(name);
  INFO("golden tensors this pass did not produce: " << fmt::format("{}", missing));
  INFO("outputs the golden file has no tensor for: " << fmt::format("{}", unexpected));
  REQUIRE(missing.empty());
  REQUIRE(unexpected.empty());
  REQUIRE(!want.empty());
  int compared = 0;
  for (const auto& [name, mine] : outputs) {
    INFO("tensor " << name);
    const Tensor gold = golden.tensor(name);
    if (name.size() >= 5 && name.substr(name.size() - 5) == "_loss") {
      CHECK(std::fabs(mine.item() - gold.item()) <= 1e-5 + 1e-6 * std::fabs(gold.item()));
    } else if (starts_with(name, "grad.")) {
      CHECK_THAT(mine, AllClose(gold, 1e-4 * max_abs(gold) + 1e-6, 0.0));
    } else if (starts_with(name, "merged.")) {
      CHECK_THAT(mine, AllClose(gold, 1e-6, 0.0));
    } else {
      CHECK_THAT(mine, AllClose(gold, 1e-5, 1e-5));
    }
    ++compared;
  }
  return compared;
}

// One training step of the tiny-bert fixture's AdamW runs: the MLM loss on the golden batch must
// equal adamw<step>.loss_before (the README's loss rule) before backward and opt.step().
inline void adamw_step_on_golden(const bert::BertForMaskedLM& model, nn::Optimizer& opt,
                                 const SafetensorsFile& golden, int step) {
  bert::MaskedLMOutput out = model.forward(golden.int_tensor("input_ids"), golden.int_tensor("attention_mask"),
                                           golden.int_tensor("token_type_ids"), golden.int_tensor("mlm_labels"));
  const float gold_loss = golden.tensor("adamw" + std::to_string(step) + ".loss_before").item();
  CHECK(std::fabs(out.loss.item() - gold_loss) <= 1e-5 + 1e-6 * std::fabs(gold_loss));
  opt.zero_grad();
  out.loss.backward();
  opt.step();
}

}  // namespace bertlab::testing
