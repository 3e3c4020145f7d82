// nn::LoRALinear on its own: the forward formula, gradients, the frozen base, PEFT's module tree.
#include <catch2/catch.hpp>

#include <cmath>

#include "nn/lora.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::testing;

namespace {
// A random B, so that the LoRA path is not the zero it is at initialisation.
void randomize_B(nn::LoRALinear& lora, uint64_t seed) {
  Generator gen(seed);
  const Tensor b = Tensor::randn(lora.B().weight.shape(), gen);
  std::copy_n(b.data(), b.numel(), lora.B().weight.data());
}
}  // namespace

TEST_CASE("LoRALinear: shapes, scaling, init and frozen base", "[nn][lora]") {
  nn::Linear base(6, 5);
  nn::LoRALinear lora(base, 3, 12.0f, 0.0f);
  CHECK(lora.A().weight.shape() == Shape{3, 6});
  CHECK(lora.B().weight.shape() == Shape{5, 3});
  CHECK(lora.scaling == 4.0f);
  CHECK(nn::LoRALinear(base, 4, 8.0f, 0.0f, /*use_rslora=*/true).scaling == 4.0f);  // 8 / √4
  const float bound = 1.0f / std::sqrt(6.0f);  // kaiming-uniform a=√5: U(-1/√in, 1/√in)
  for (int64_t i = 0; i < lora.A().weight.numel(); ++i) CHECK(std::fabs(lora.A().weight.data()[i]) <= bound);
  for (int64_t i = 0; i < lora.B().weight.numel(); ++i) CHECK(lora.B().weight.data()[i] == 0.0f);
  CHECK_FALSE(base.weight.requires_grad());
  CHECK_FALSE(base.bias.requires_grad());
  CHECK(lora.num_parameters(/*only_trainable=*/true) == 3 * 6 + 5 * 3);
}

TEST_CASE("LoRALinear: with B = 0 the output is the base layer's, bit for bit", "[nn][lora]") {
  nn::Linear base(6, 5);
  nn::LoRALinear lora(base, 2, 4.0f, 0.0f);
  Generator gen(1);
  const Tensor x = Tensor::randn({2, 3, 6}, gen);
  const Tensor want = linear(x, base.weight, base.bias);
  CHECK_THAT(lora.forward(x), AllClose(want, 0.0, 0.0));
}

TEST_CASE("LoRALinear: y = x·Wᵀ + b + (x·Aᵀ)·Bᵀ·scaling, checked element by element", "[nn][lora]") {
  nn::Linear base(4, 3);
  nn::LoRALinear lora(base, 2, 3.0f, 0.0f);
  randomize_B(lora, 7);
  Generator gen(2);
  const Tensor x = Tensor::randn({5, 4}, gen);
  const Tensor out = lora.forward(x);
  const float* W = base.weight.data();
  const float* A = lora.A().weight.data();
  const float* B = lora.B().weight.data();
  for (int64_t n = 0; n < 5; ++n)
    for (int64_t o = 0; o < 3; ++o) {
      double y = base.bias.data()[o];
      for (int64_t i = 0; i < 4; ++i) y += double(x.data()[n * 4 + i]) * W[o * 4 + i];
      for (int64_t k = 0; k < 2; ++k) {
        double ax = 0.0;
        for (int64_t i = 0; i < 4; ++i) ax += double(x.data()[n * 4 + i]) * A[k * 4 + i];
        y += ax * B[o * 2 + k] * 1.5;  // scaling = 3 / 2
      }
      CHECK(out.data()[n * 3 + o] == Approx(y).margin(1e-5));
    }
}

TEST_CASE("LoRALinear: gradients of input, lora_A and lora_B, and none for the frozen base", "[nn][lora][gradcheck]") {
  nn::Linear base(6, 5);
  nn::LoRALinear lora(base, 3, 6.0f, 0.0f);
  randomize_B(lora, 8);
  const Tensor x = randn_param({2, 4, 6}, 9);
  gradcheck([&](const auto& in) { return lora.forward(in[0]); }, {x, lora.A().weight, lora.B().weight});
  CHECK_FALSE(base.weight.grad().defined());
  CHECK_FALSE(base.bias.grad().defined());
}

TEST_CASE("LoRALinear: gradients with dropout on (training, the same seeded mask each call)", "[nn][lora][gradcheck]") {
  nn::Linear base(6, 5);
  nn::LoRALinear lora(base, 3, 6.0f, 0.5f);
  randomize_B(lora, 8);
  lora.train();
  const auto f = [&](const std::vector<Tensor>& in) {
    default_generator().manual_seed(12);  // every forward of the check draws the same mask
    return lora.forward(in[0]);
  };
  Tensor x = randn_param({4, 6}, 9);
  lora.eval();
  const Tensor without_dropout = lora.forward(x);
  lora.train();
  REQUIRE_FALSE(AllClose(without_dropout, 1e-5, 1e-5).match(f({x})));  // the dropout is on
  gradcheck(f, {x, lora.A().weight, lora.B().weight});
}

TEST_CASE("LoRALinear: the wrapped Linear's own forward hands over to its adapter", "[nn][lora]") {
  nn::Linear base(4, 4);
  base.lora = std::make_unique<nn::LoRALinear>(base, 2, 2.0f, 0.0f);
  randomize_B(*base.lora, 3);
  Generator gen(4);
  const Tensor x = Tensor::randn({3, 4}, gen);
  const Tensor delta = base.lora->delta_weight();  // [out, in]
  const Tensor want = linear(x, add(base.weight, delta), base.bias);  // the merged layer
  CHECK_THAT(base.forward(x), AllClose(want, 1e-5, 1e-5));
  CHECK_THAT(base.lora->forward(x), AllClose(want, 1e-5, 1e-5));
}

TEST_CASE("LoRALinear: dropout on the LoRA input in training, identity in eval", "[nn][lora]") {
  nn::Linear base(8, 8);
  nn::LoRALinear lora(base, 2, 2.0f, 0.5f);
  randomize_B(lora, 5);
  Generator gen(6);
  const Tensor x = Tensor::randn({4, 8}, gen);
  lora.eval();
  const Tensor eval_out = lora.forward(x);
  CHECK_THAT(eval_out, AllClose(linear(x, add(base.weight, lora.delta_weight()), base.bias), 1e-5, 1e-5));
  lora.train();
  CHECK_FALSE(AllClose(eval_out, 1e-5, 1e-5).match(lora.forward(x)));
}

TEST_CASE("LoRALinear: PEFT's parameter names and module tree", "[nn][lora]") {
  nn::Linear base(32, 16);
  nn::LoRALinear lora(base, 8, 16.0f, 0.1f);
  std::vector<std::string> names;
  for (auto& [name, p] : lora.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"base_layer.weight", "base_layer.bias", "lora_A.default.weight",
                                          "lora_B.default.weight"});
  CHECK(nn::to_string(lora) ==
        "lora.Linear(\n"
        "  (base_layer): Linear(in_features=32, out_features=16, bias=True)\n"
        "  (lora_dropout): ModuleDict(\n"
        "    (default): Dropout(p=0.1, inplace=False)\n"
        "  )\n"
        "  (lora_A): ModuleDict(\n"
        "    (default): Linear(in_features=32, out_features=8, bias=False)\n"
        "  )\n"
        "  (lora_B): ModuleDict(\n"
        "    (default): Linear(in_features=8, out_features=16, bias=False)\n"
        "  )\n"
        ")");
  CHECK_THROWS_WITH(nn::LoRALinear(base, 0, 8.0f, 0.0f), Catch::Contains("r must be positive"));
}
