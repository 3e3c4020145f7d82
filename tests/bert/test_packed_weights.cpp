// Weights packed ahead for the GEMM (tensor/ops/matmul.cpp › packed_weight): an inference
// forward packs each Linear's weight once and keeps the copy, and every code path that changes
// a weight's numbers in place must leave no stale copy behind. Each case below packs (an eval
// forward), changes the numbers through one of those paths, and compares the next eval forward
// bit for bit with a model that holds the same numbers and never packed the old ones.
#include <catch2/catch.hpp>

#include <filesystem>

#include "bert/checkpoint.h"
#include "bert/model.h"
#include "nn/init.h"
#include "nn/optim.h"
#include "peft/lora.h"
#include "tensor/autograd.h"
#include "tensor/memory.h"
#include "tensor/ops.h"
#include "tensor/safetensors.h"
#include "tests/support/all_close.h"    // defines: same_bits
#include "tests/support/tiny_config.h"

using namespace bertlab;
using bertlab::bert::BertModel;
using bertlab::testing::same_bits;
using bertlab::testing::tiny_config;
namespace fs = std::filesystem;

namespace {
const IntTensor kPackIds({1, 5, 7, 2, 0, 3, 9, 4}, {2, 4});

Tensor eval_forward(BertModel& model) {
  NoGradGuard no_grad;
  return model.forward(kPackIds).last_hidden_state;
}

// Every parameter of `to` that `from` has under the same name gets its numbers.
void copy_parameters(const nn::Module& from, nn::Module& to) {
  const auto theirs = from.named_parameters();
  for (const auto& [name, p] : to.named_parameters())
    for (const auto& [their_name, q] : theirs)
      if (their_name == name) p.copy_(q);
}

// The forward of a new model given `model`'s numbers: nothing of it was packed before.
Tensor fresh_forward(const BertModel& model) {
  BertModel fresh(tiny_config());
  fresh.eval();
  copy_parameters(model, fresh);
  return eval_forward(fresh);
}

int64_t packed_bytes() { return memory::live_tensor_bytes(memory::Tag::packed_weights); }
}  // namespace

TEST_CASE("packed weights: inference packs each Linear once, with the training path's bits", "[bert][gemm]") {
  bert::BertConfig config = tiny_config();
  config.hidden_dropout_prob = config.attention_probs_dropout_prob = 0.0;  // train() changes nothing else
  const int64_t before = packed_bytes();
  {
    BertModel model(config);
    model.eval();
    const Tensor packed = eval_forward(model);
    const int64_t after_first = packed_bytes();
    CHECK(after_first > before);  // 6 Linears per layer (and the pooler) now hold a packed copy
    const Tensor again = eval_forward(model);
    CHECK(packed_bytes() == after_first);  // ... made once, not per call
    CHECK(same_bits(again, packed));
    // In training the weights change every step: train() lets the copies go, and the GEMM packs
    // as it goes, giving the same bits.
    model.train();
    CHECK(packed_bytes() == before);
    const Tensor trained_path = model.forward(kPackIds).last_hidden_state;
    CHECK(packed_bytes() == before);
    CHECK(same_bits(trained_path, packed));
    // A frozen weight (LoRA's base layers) keeps no copy in training either (docs/memory.md).
    model.encoder.layer[0].intermediate.dense.weight.requires_grad_(false);
    model.forward(kPackIds);
    CHECK(packed_bytes() == before);
  }
  CHECK(packed_bytes() == before);  // the copies went with their weights
}

TEST_CASE("packed weights: every in-place change of a weight makes its packed copy stale", "[bert][gemm]") {
  BertModel model(tiny_config());
  model.eval();
  const Tensor old = eval_forward(model);  // packs every Linear's weight

  SECTION("an AdamW step") {
    Generator gen(3);
    sum(mul(model.forward(kPackIds).last_hidden_state, Tensor::randn({2, 4, 8}, gen))).backward();
    nn::AdamW({{model.parameters()}}, 0.1).step();
  }
  SECTION("an SGD step") {
    sum(model.forward(kPackIds).last_hidden_state).backward();
    nn::SGD({{model.parameters()}}, 0.1).step();
  }
  SECTION("an init") {
    Generator gen(4);
    nn::init::normal_(model.encoder.layer[0].attention.self.query.weight, 0.0f, 1.0f, gen);
  }
  SECTION("loading a checkpoint into the model") {
    BertModel other(tiny_config());
    const fs::path file = fs::temp_directory_path() / "bertlab_test_packed_weights.safetensors";
    SafetensorsWriter writer;
    for (const auto& [name, p] : other.named_parameters()) writer.add(name, p);
    writer.save(file.string());
    bert::load_weights(model, SafetensorsFile::open(file));
    fs::remove(file);
  }
  SECTION("LoRA: merging an adapter into the frozen weights") {
    peft::LoraConfig config;
    config.r = 2, config.lora_alpha = 4, config.target_modules = {"query", "intermediate.dense"};
    peft::apply_lora(model, config);
    Generator gen(5);
    for (auto& [name, p] : model.named_parameters())
      if (name.find("lora_B") != std::string::npos) nn::init::normal_(p, 0.0f, 1.0f, gen);
    eval_forward(model);  // packs the adapters; the frozen weights stay packed
    peft::merge_and_unload(model);  // W += scaling·B·A in place
  }
  SECTION("LoRA: loading an adapter into a model that packed its weights") {
    peft::LoraConfig config;
    config.r = 2, config.lora_alpha = 4, config.target_modules = {"key", "output.dense"};
    BertModel other(tiny_config());
    copy_parameters(model, other);  // the same base weights in both
    peft::apply_lora(other, config);
    Generator gen(6);
    for (auto& [name, p] : other.named_parameters())
      if (name.find("lora_B") != std::string::npos) nn::init::normal_(p, 0.0f, 1.0f, gen);
    const fs::path dir = fs::temp_directory_path() / "bertlab_test_packed_weights_adapter";
    peft::save_adapter(other, config, dir);
    peft::load_adapter(model, dir);
    fs::remove_all(dir);
    other.eval();
    const Tensor want = eval_forward(other);
    CHECK(!same_bits(want, old));
    CHECK(same_bits(eval_forward(model), want));
    return;
  }

  const Tensor now = eval_forward(model);
  CHECK(!same_bits(now, old));
  CHECK(same_bits(now, fresh_forward(model)));
}
