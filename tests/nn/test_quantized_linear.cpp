// quantize_dynamic (nn/quantized_linear.h): which modules it swaps, what it frees, what it
// refuses, and a quantized BERT's outputs against the float model's.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <tuple>

#include "bert/checkpoint.h"
#include "bert/for_masked_lm.h"
#include "nn/linear.h"
#include "nn/quantized_linear.h"
#include "peft/lora.h"
#include "tensor/autograd.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using bertlab::testing::tiny_config;

namespace {
const IntTensor kIds({2, 5, 7, 9, 11, 3, 2, 8, 4, 6, 10, 3}, {2, 6});

// Signal-to-noise ratio of `got` as an approximation of `want`, in dB.
double snr_db(const Tensor& want, const Tensor& got) {
  double signal = 0.0, noise = 0.0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    signal += double{want.data()[i]} * want.data()[i];
    noise += (double{got.data()[i]} - want.data()[i]) * (double{got.data()[i]} - want.data()[i]);
  }
  return 10.0 * std::log10(signal / noise);
}
}  // namespace

TEST_CASE("quantize_dynamic: every Linear becomes int8, the float weights go, tied ones stay", "[nn][int8]") {
  bert::BertForMaskedLM model(tiny_config());
  model.eval();
  const Tensor embeddings = model.bert.embeddings.word_embeddings.weight;
  const int64_t before = model.num_parameters();
  const int quantized = nn::quantize_dynamic(model);
  // per layer Q, K, V, attention output, intermediate, output; then the MLM transform and decoder
  CHECK(quantized == 2 * 6 + 2);
  const std::string tree = nn::to_string(model);
  CHECK(tree.find("(query): DynamicQuantizedLinear(in_features=8, out_features=8, dtype=torch.qint8") != std::string::npos);
  CHECK(tree.find(": Linear(") == std::string::npos);  // no float Linear left
  for (const auto& [name, p] : model.named_parameters()) CHECK(name.find("query") == std::string::npos);
  CHECK(model.num_parameters() < before);
  CHECK_FALSE(model.bert.encoder.layer[0].attention.self.query.weight.defined());
  CHECK(model.bert.embeddings.word_embeddings.weight.impl() == embeddings.impl());  // the decoder's, tied, stays
}

TEST_CASE("quantize_dynamic: a quantized BERT's logits stay close to the float model's", "[nn][int8][bf16]") {
  // int8 rounds to about 1/255 of each row's range, bf16 to 2^-9 of each value: bf16 is closer.
  for (const auto& [dtype, low, high] : {std::tuple{nn::QuantizedDtype::qint8, 25.0, 60.0},
                                         std::tuple{nn::QuantizedDtype::bfloat16, 35.0, 80.0}}) {
    bert::BertForMaskedLM model(tiny_config());
    model.eval();
    NoGradGuard no_grad;
    const Tensor want = model.forward(kIds).logits;
    nn::quantize_dynamic(model, dtype);
    const Tensor got = model.forward(kIds).logits;
    REQUIRE(got.shape() == want.shape());
    const double snr = snr_db(want, got);
    CAPTURE(snr);
    CHECK(snr > low);
    CHECK(snr < high);  // and it did round
  }
}

TEST_CASE("quantize_dynamic: what it refuses, in one line each", "[nn][int8]") {
  bert::BertForMaskedLM model(tiny_config());
  REQUIRE_THROWS_WITH(nn::quantize_dynamic(model), Catch::Contains("training mode: expected eval()"));
  peft::LoraConfig lora;
  lora.target_modules = {"query"};
  peft::apply_lora(model, lora);
  model.eval();
  REQUIRE_THROWS_WITH(nn::quantize_dynamic(model), Catch::Contains("has a LoRA adapter"));

  bert::BertForMaskedLM plain(tiny_config());
  plain.eval();
  nn::quantize_dynamic(plain);
  // With recording on, the embeddings' output needs a gradient, which int8 cannot give.
  REQUIRE_THROWS_WITH(plain.forward(kIds), Catch::Contains("int8 arithmetic has no backward"));
  // Saving would write a checkpoint without its Linears' weights.
  REQUIRE_THROWS_WITH(bert::save_pretrained(plain, tiny_config(), std::filesystem::temp_directory_path() / "never_written"),
                      Catch::Contains("bert.encoder.layer.0.attention.self.query is quantized"));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::temp_directory_path() / "never_written"));
}
