// LoRA parity with HuggingFace PEFT on <fixtures>/models/tiny-bert-lora (a PEFT-made
// adapter on tiny-bert): outputs, loss, LoRA-only gradients, merged weights and AdamW steps within
// its README's tolerances; and an adapter of our own (other rank and targets) through the CLI.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "bert/checkpoint.h"
#include "bert/for_masked_lm.h"
#include "pipelines/forward_outputs.h"
#include "peft/lora.h"
#include "nn/optim.h"
#include "tests/support/all_close.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::peft;
using namespace bertlab::pipelines;
using namespace bertlab::testing;
namespace fs = std::filesystem;

TEST_CASE("LoRA: PEFT's adapter on BertForMaskedLM gives PEFT's outputs, loss, gradients and merges",
          "[lora][golden]") {
  auto lora = fixture("models/tiny-bert-lora");
  auto base = fixture("models/tiny-bert");
  if (!lora || !base) return;
  const SafetensorsFile golden = SafetensorsFile::open(*lora / "golden.safetensors");
  const auto outputs = forward_outputs(*base, Task::mlm, golden, /*grads=*/true, *lora);
  int grads = 0, merged = 0;
  for (const auto& [name, t] : outputs) {
    grads += starts_with(name, "grad.");
    merged += starts_with(name, "merged.");
  }
  CHECK(grads == 8);  // lora_A and lora_B of 4 modules, nothing of the frozen base
  CHECK(merged == 4);
  CHECK(outputs.count("grad.base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight") == 1);
  CHECK(outputs.count("mlm_loss") == 1);
  // + embedding_output, last_hidden_state, hidden_states.0-2, attentions.0-1, mlm_logits, mlm_loss,
  // 5 debug.*; the PEFT-wrapped BertForMaskedLM has no pooler
  CHECK(compare_with_golden(outputs, golden, {"pooler_output"}) == 8 + 4 + 9 + 5);
}

TEST_CASE("LoRA: the MLM adapter loads into a bare BertModel (pooler output as PEFT)", "[lora][golden]") {
  auto lora = fixture("models/tiny-bert-lora");
  auto base = fixture("models/tiny-bert");
  if (!lora || !base) return;
  const SafetensorsFile golden = SafetensorsFile::open(*lora / "golden.safetensors");
  auto outputs = forward_outputs(*base, Task::base, golden, false, *lora);
  CHECK(outputs.erase("merged.encoder.layer.0.attention.self.query.weight") == 1);  // BertModel's names
  std::erase_if(outputs, [](const auto& kv) { return starts_with(kv.first, "merged."); });
  CHECK(outputs.count("pooler_output") == 1);
  // BertModel's 8 tensors and 4 debug.layer.*; not the MLM head's
  CHECK(compare_with_golden(outputs, golden, {"mlm_", "debug.mlm_", "grad.", "merged."}) == 8 + 4);
}

TEST_CASE("LoRA: merge_and_unload gives PEFT's merged weights and the adapter's logits", "[lora][golden]") {
  auto lora = fixture("models/tiny-bert-lora");
  auto base = fixture("models/tiny-bert");
  if (!lora || !base) return;
  const SafetensorsFile golden = SafetensorsFile::open(*lora / "golden.safetensors");
  auto model = from_pretrained<BertForMaskedLM>(*base);
  load_adapter(*model, *lora);
  merge_and_unload(*model);
  CHECK(lora_modules(*model).empty());
  for (int layer = 0; layer < 2; ++layer) {
    auto& self = model->bert.encoder.layer[layer].attention.self;
    for (auto [name, linear] : {std::pair{"query", &self.query}, {"value", &self.value}}) {
      const std::string key = fmt::format("merged.bert.encoder.layer.{}.attention.self.{}.weight", layer, name);
      INFO(key);
      CHECK_THAT(linear->weight, AllClose(golden.tensor(key), 1e-6, 0.0));
    }
  }
  const MaskedLMOutput out = model->forward(golden.int_tensor("input_ids"), golden.int_tensor("attention_mask"),
                                            golden.int_tensor("token_type_ids"), golden.int_tensor("mlm_labels"));
  CHECK_THAT(out.logits, AllClose(golden.tensor("mlm_logits"), 1e-5, 1e-5));
}

TEST_CASE("LoRA: two AdamW steps on the adapter only match PyTorch (two-tier rule)", "[lora][golden][optim]") {
  auto lora = fixture("models/tiny-bert-lora");
  auto base = fixture("models/tiny-bert");
  if (!lora || !base) return;
  const SafetensorsFile golden = SafetensorsFile::open(*lora / "golden.safetensors");
  auto model = from_pretrained<BertForMaskedLM>(*base);
  const LoraConfig config = load_adapter(*model, *lora);
  const auto adapter = adapter_state_dict(*model, config);
  std::vector<Tensor> trainable;
  for (const auto& [key, p] : adapter) trainable.push_back(p);
  nn::AdamW opt({{trainable, 0.01}}, 1e-3, 0.9, 0.999, 1e-8);
  for (int step = 1; step <= 2; ++step) {
    adamw_step_on_golden(*model, opt, golden, step);
    for (const auto& [key, p] : adapter) {
      INFO(key << " at step " << step);
      CHECK_THAT(p, AllClose(golden.tensor(fmt::format("adamw{}.{}", step, key)), 1e-5, 0.0));
    }
  }
}

namespace {
// W + scaling·B·A in double, straight from the saved adapter file and the base weight.
Tensor merged_by_hand(const Tensor& W, const Tensor& A, const Tensor& B, double scaling) {
  const int64_t out = W.shape()[0], in = W.shape()[1], r = A.shape()[0];
  Tensor want = Tensor::zeros({out, in});
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) {
      double d = 0.0;
      for (int64_t k = 0; k < r; ++k) d += double(B.data()[o * r + k]) * A.data()[k * in + i];
      want.data()[o * in + i] = static_cast<float>(W.data()[o * in + i] + scaling * d);
    }
  return want;
}
}  // namespace

TEST_CASE("bertlab forward --adapter: our own r=4 adapter on key + intermediate.dense", "[lora][golden][cli]") {
  auto base = fixture("models/tiny-bert");
  if (!base) return;
  const fs::path cli = fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab";
  REQUIRE(fs::exists(cli));
  // BERTLAB_LORA_EXPORT=DIR keeps the adapter and the output for tests/golden/check_peft_roundtrip.py.
  const char* keep = std::getenv("BERTLAB_LORA_EXPORT");
  const fs::path dir = keep ? fs::path(keep) : fs::temp_directory_path() / "bertlab_test_lora_cli";
  fs::remove_all(dir);
  fs::create_directories(dir);

  // An adapter with a random B (a fresh one would be the base model), written by save_adapter.
  auto model = from_pretrained<BertForMaskedLM>(*base);
  LoraConfig config;
  config.r = 4;
  config.lora_alpha = 6;
  config.target_modules = {"key", "intermediate.dense"};
  apply_lora(*model, config);
  Generator gen(20240604);
  for (auto& [key, p] : adapter_state_dict(*model, config)) {
    const Tensor r = Tensor::randn(p.shape(), gen);
    std::copy_n(r.data(), r.numel(), p.data());
  }
  save_adapter(*model, config, dir / "adapter");

  const SafetensorsFile golden = SafetensorsFile::open(*base / "golden.safetensors");
  const std::string command =
      fmt::format(R"("{}" forward --model "{}" --inputs "{}" --adapter "{}" --grads --out "{}" 2>/dev/null)",
                  cli.string(), base->string(), (*base / "golden.safetensors").string(),
                  (dir / "adapter").string(), (dir / "out.safetensors").string());
  REQUIRE(std::system(command.c_str()) == 0);
  const SafetensorsFile out = SafetensorsFile::open(dir / "out.safetensors");
  const SafetensorsFile saved = SafetensorsFile::open(dir / "adapter" / "adapter_model.safetensors");

  auto plain = from_pretrained<BertForMaskedLM>(*base);  // the untouched base weights
  int grads = 0, merged = 0;
  for (const std::string& name : out.names()) {
    if (starts_with(name, "grad.")) {
      INFO(name);
      CHECK(name.find(".lora_") != std::string::npos);  // gradients of the adapter only
      CHECK(saved.contains(name.substr(5)));
      ++grads;
    }
    if (!starts_with(name, "merged.")) continue;
    ++merged;
    const std::string module = name.substr(7, name.size() - 7 - 7);  // strip "merged." and ".weight"
    INFO(module);
    Tensor W;
    for (auto& [pname, p] : plain->named_parameters())
      if (pname == module + ".weight") W = p;
    REQUIRE(W.defined());
    const Tensor want = merged_by_hand(W, saved.tensor("base_model.model." + module + ".lora_A.weight"),
                                       saved.tensor("base_model.model." + module + ".lora_B.weight"), 6.0 / 4.0);
    CHECK_THAT(out.tensor(name), AllClose(want, 1e-5, 0.0));
  }
  CHECK(grads == 2 * 2 * 2);  // 2 layers · (key, intermediate.dense) · (A, B)
  CHECK(merged == 2 * 2);
  // and the adapter changes the loss: it really ran (a fresh B = 0 adapter would not)
  CHECK(std::fabs(out.tensor("mlm_loss").item() - golden.tensor("mlm_loss").item()) > 1e-3);
  if (!keep) fs::remove_all(dir);
}
