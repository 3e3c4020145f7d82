// compare_with_golden: check `bertlab forward`-style outputs against a fixture's golden.safetensors
// by the rules of the fixture READMEs (models/tiny-bert*, tiny-bert-lora).
//   const auto outputs = forward_outputs(dir, Task::mlm, golden, true);
//   CHECK(compare_with_golden(outputs, golden) == 17);
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
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

// Compares every output against the golden tensor of the same name:
//   forward tensors  |mine - gold| <= 1e-5 + 1e-5·|gold|       (elementwise)
//   losses           |mine - gold| <= 1e-5 + 1e-6·|gold|
//   grad.* tensors   max|mine - gold| <= 1e-4·max|gold| + 1e-6  (per tensor)
//   merged.* (LoRA)  |mine - gold| <= 1e-6                     (elementwise)
// and returns how many were compared.
inline int compare_with_golden(const std::map<std::string, Tensor>& outputs, const SafetensorsFile& golden) {
  int compared = 0;
  for (const auto& [name, mine] : outputs) {
    INFO("tensor " << name);
    REQUIRE(golden.contains(name));
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
