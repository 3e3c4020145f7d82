#include <catch2/catch.hpp>

#include <algorithm>

#include "nn/activation.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/layer_norm.h"
#include "nn/linear.h"
#include "nn/multi_head_attention.h"
#include "tensor/ops.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

namespace {
// A two-level module to test registration, naming and printing.
struct Block : nn::Module {
  Block() : dense(4, 3), norm(3), drop(0.25f) {
    register_module("dense", dense);
    register_module("LayerNorm", norm);
    register_module("dropout", drop);
  }
  std::string type_name() const override { return "Block"; }
  nn::Linear dense;
  nn::LayerNorm norm;
  nn::Dropout drop;
};
struct Net : nn::Module {
  Net() {
    blocks.append();
    blocks.append();
    register_module("blocks", blocks);
  }
  std::string type_name() const override { return "Net"; }
  nn::ModuleList<Block> blocks;
};
}  // namespace

TEST_CASE("Module: dotted parameter names in registration order", "[nn]") {
  Net net;
  std::vector<std::string> names;
  for (auto& [name, p] : net.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"blocks.0.dense.weight", "blocks.0.dense.bias", "blocks.0.LayerNorm.weight",
                                          "blocks.0.LayerNorm.bias", "blocks.1.dense.weight", "blocks.1.dense.bias",
                                          "blocks.1.LayerNorm.weight", "blocks.1.LayerNorm.bias"});
  CHECK(net.num_parameters() == 2 * (4 * 3 + 3 + 3 + 3));
}

TEST_CASE("Module: a tied tensor is listed and counted once", "[nn]") {
  Block block;
  nn::Linear other(4, 3);
  other.weight = block.dense.weight;  // same tensor under two names
  CHECK(other.named_parameters().size() == 2);
  block.dense.weight.data()[0] = 42.0f;
  CHECK(other.weight.data()[0] == 42.0f);
}

TEST_CASE("Module: train/eval reach every child, zero_grad clears grads", "[nn]") {
  Net net;
  net.eval();
  CHECK_FALSE(net.blocks[1].drop.is_training());
  net.train();
  CHECK(net.blocks[1].drop.is_training());
  Tensor x = Tensor::ones({2, 4});
  sum(net.blocks[0].dense.forward(x)).backward();
  CHECK(net.blocks[0].dense.weight.grad().defined());
  net.zero_grad();
  CHECK_FALSE(net.blocks[0].dense.weight.grad().defined());
}

TEST_CASE("Module: prints like PyTorch", "[nn]") {
  Net net;
  const std::string want =
      "Net(\n"
      "  (blocks): ModuleList(\n"
      "    (0): Block(\n"
      "      (dense): Linear(in_features=4, out_features=3, bias=True)\n"
      "      (LayerNorm): LayerNorm((3,), eps=1e-05, elementwise_affine=True)\n"
      "      (dropout): Dropout(p=0.25, inplace=False)\n"
      "    )\n"
      "    (1): Block(\n"
      "      (dense): Linear(in_features=4, out_features=3, bias=True)\n"
      "      (LayerNorm): LayerNorm((3,), eps=1e-05, elementwise_affine=True)\n"
      "      (dropout): Dropout(p=0.25, inplace=False)\n"
      "    )\n"
      "  )\n"
      ")";
  CHECK(nn::to_string(net) == want);
  CHECK(nn::to_string(nn::Embedding(30522, 768, 0)) == "Embedding(30522, 768, padding_idx=0)");
  CHECK(nn::to_string(nn::Activation("gelu")) == "GELUActivation()");
}

TEST_CASE("MultiHeadAttention: one head over one key returns the value projection", "[nn][attention]") {
  nn::MultiHeadAttention mha(4, 2, 0.0f);
  Generator gen(3);
  Tensor x = Tensor::randn({1, 1, 4}, gen);
  nn::AttentionOutput out = mha.forward(x, Tensor(), /*output_attentions=*/true);
  // a single key gets probability 1, so the context is value(x)
  CHECK_THAT(out.context_layer, AllClose(mha.value.forward(x)));
  CHECK(out.attention_probs.shape() == Shape{1, 2, 1, 1});
  CHECK(out.attention_probs.data()[0] == 1.0f);
}

TEST_CASE("MultiHeadAttention: gradients of every projection", "[nn][attention][gradcheck]") {
  nn::MultiHeadAttention mha(8, 2, 0.0f);
  Generator gen(4);
  Tensor x = randn_param({2, 3, 8}, 5);
  Tensor mask = Tensor::zeros({2, 1, 1, 3});
  mask.data()[2] = -std::numeric_limits<float>::infinity();  // batch 0 cannot see key 2
  std::vector<Tensor> inputs = {x};
  for (const auto& [name, p] : mha.named_parameters()) inputs.push_back(p);
  REQUIRE(inputs.size() == 1 + 6);  // query, key, value: weight and bias each
  gradcheck([&](const auto& in) { return mha.forward(in[0], mask).context_layer; }, inputs);
}

TEST_CASE("Linear without bias: gradients of the input and the weight", "[nn][gradcheck]") {
  nn::Linear dense(5, 3, /*bias=*/false);
  REQUIRE(dense.named_parameters().size() == 1);
  gradcheck([&](const auto& in) { return dense.forward(in[0]); }, {randn_param({2, 4, 5}, 6), dense.weight});
}

TEST_CASE("Dropout (training): gradcheck with the same seeded mask on every call", "[nn][dropout][gradcheck]") {
  nn::Dropout drop(0.4f);
  drop.train();
  const auto f = [&](const std::vector<Tensor>& in) {
    default_generator().manual_seed(11);  // every forward of the check draws the same mask
    return drop.forward(in[0]);
  };
  Tensor x = randn_param({4, 25}, 7);
  const std::vector<float> y = f({x}).to_vector();
  REQUIRE(std::count(y.begin(), y.end(), 0.0f) > 0);  // some dropped, so the mask is under test
  gradcheck(f, {x});
}
