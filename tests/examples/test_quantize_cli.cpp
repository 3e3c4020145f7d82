// The int8 commands: `--dtype int8` on the inference commands and `bertlab quantize-report`,
// on bertlab-mini (in the repository) and on a classifier fine-tuned from the tiny fixture.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "tensor/kernels/gemm_bf16.h"  // defines: cpu_has
#include "tensor/kernels/gemm_int8.h"  // defines: cpu_has

#include "tests/support/fixtures.h"      // defines: fixture
#include "tests/support/run_bertlab.h"   // defines: run_bertlab, Run
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using bertlab::testing::run_bertlab;

namespace {
// The first token id fill-mask prints ("0.117656    1996  the ...").
std::string top_token(const std::string& out) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(\n\d\.\d+\s+(\d+)\s)")));
  return m[1];
}
}  // namespace

TEST_CASE("bertlab fill-mask --dtype int8: bertlab-mini's top guess unchanged, other dtypes refused", "[cli][int8]") {
  const std::string text = R"(fill-mask "The [MASK] lay open on the table." --model bertlab-mini)";
  const auto fp32 = run_bertlab(text, "HF_HUB_OFFLINE=1");
  const auto int8 = run_bertlab(text + " --dtype int8", "HF_HUB_OFFLINE=1");
  INFO(int8.err);
  REQUIRE(fp32.exit_code == 0);
  REQUIRE(int8.exit_code == 0);
  CHECK(top_token(int8.out) == top_token(fp32.out));
  if (bertlab::kernels::cpu_has(bertlab::kernels::Int8Kernel::avx512_vnni))
    CHECK(int8.out != fp32.out);  // the scores did change
  else
    CHECK_THAT(int8.err, Contains("no AVX512-VNNI instructions: running in float32"));
  const auto bad = run_bertlab(text + " --dtype int4", "HF_HUB_OFFLINE=1");
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Contains("--dtype"));
}

TEST_CASE("bertlab quantize-report --model: per-layer error and fill-mask agreement of bertlab-mini", "[cli][int8][bf16]") {
  // Every layer's line, with its SNR. Rounding one Linear costs int8 ~50 dB and bf16 ~67 dB (2^-9 of
  // each value, not 1/254 of a row's largest); the trained model carries the error of layer 1 into
  // layers 2-4 amplified, to ~19 dB (int8) and ~29 dB (bf16): docs/quantization.md. A kernel that
  // does not round at all would show no noise, one that rounds wrongly a few dB.
  std::map<std::string, std::vector<double>> snr;
  for (const auto& [dtype, low, high] : {std::tuple{"int8", 15.0, 55.0}, std::tuple{"bf16", 25.0, 75.0}}) {
    CAPTURE(dtype);
    const auto run = run_bertlab(fmt::format("quantize-report --model bertlab-mini --dtype {}", dtype), "HF_HUB_OFFLINE=1");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const std::regex line(R"(layer (\d)\s+([0-9.e-]+)\s+([0-9.]+)\n)");
    for (auto it = std::sregex_iterator(run.out.begin(), run.out.end(), line); it != std::sregex_iterator(); ++it) {
      snr[dtype].push_back(std::stod((*it)[3]));
      CHECK(std::stod((*it)[2]) > 0.0);
      CHECK(snr[dtype].back() > low);
      CHECK(snr[dtype].back() < high);
    }
    CHECK(snr[dtype].size() == 4);
    std::smatch m;
    REQUIRE(std::regex_search(run.out, m, std::regex(R"(the same top-1 word in (\d) of 5 sentences)")));
    CHECK(std::stoi(m[1]) >= 4);
  }
  // bf16 rounds each value to 8 significant bits, int8 each row to 255 steps of its largest: bf16
  // is closer at every layer.
  REQUIRE(snr["int8"].size() == snr["bf16"].size());
  for (size_t l = 0; l < snr["int8"].size(); ++l) CHECK(snr["bf16"][l] > snr["int8"][l] + 5.0);
}

TEST_CASE("bertlab fill-mask --dtype bf16: the same top guess, or float32 with a note on a CPU without AVX512-BF16",
          "[cli][bf16]") {
  const std::string text = R"(fill-mask "The [MASK] lay open on the table." --model bertlab-mini)";
  const auto fp32 = run_bertlab(text, "HF_HUB_OFFLINE=1");
  const auto bf16 = run_bertlab(text + " --dtype bf16", "HF_HUB_OFFLINE=1");
  INFO(bf16.err);
  REQUIRE(bf16.exit_code == 0);
  CHECK(top_token(bf16.out) == top_token(fp32.out));
  if (bertlab::kernels::cpu_has(bertlab::kernels::Bf16Kernel::avx512_bf16))
    CHECK(bf16.out != fp32.out);
  else
    CHECK_THAT(bf16.err, Contains("no AVX512-BF16 instructions: running in float32"));
}

TEST_CASE("bertlab quantize-report --classifier: accuracy in float32 and int8, and asking for nothing is an error",
          "[cli][int8]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  bertlab::testing::ScratchDir dir("quantize_report_cls");
  {
    std::ofstream tsv(dir.path / "data.tsv");
    tsv << "sentence\tlabel\n";
    for (int i = 0; i < 16; ++i) tsv << (i % 2 ? "the dog plays with a ball\t1\n" : "the cat sleeps on the mat\t0\n");
  }
  const fs::path data = dir.path / "data.tsv", out = dir.path / "cls";
  const auto train = run_bertlab(fmt::format(R"(finetune-cls --model "{}" --train "{}" --eval "{}" --output "{}" --batch-size 4 --steps 4)",
                                             model->string(), data.string(), data.string(), out.string()));
  INFO(train.err);
  REQUIRE(train.exit_code == 0);
  const auto run = run_bertlab(fmt::format(R"(quantize-report --classifier "{}" --eval "{}")", out.string(), data.string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("(16 examples)"));
  CHECK(std::regex_search(run.out, std::regex(R"(float32\s+[01]\.\d{4}\s+[01]\.\d{4}\n)")));  // accuracy, f1
  CHECK(std::regex_search(run.out, std::regex(R"(int8\s+[01]\.\d{4}\s+[01]\.\d{4}\n)")));
  CHECK(std::regex_search(run.out, std::regex(R"(change\s+[+-][01]\.\d{4}\s+[+-][01]\.\d{4}\n)")));

  const auto nothing = run_bertlab("quantize-report");
  CHECK(nothing.exit_code != 0);
  CHECK_THAT(nothing.err, Contains("give --model, or --classifier with --eval"));
}
