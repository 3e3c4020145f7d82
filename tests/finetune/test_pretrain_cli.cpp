// bertlab pretrain end to end: a HF model folder (BertForMaskedLM config.json, model.safetensors,
// vocab.txt) with its history and checkpoint, that `bertlab fill-mask` takes, and that
// transformers loads with the same logits (tests/golden/check_pretrain_roundtrip.py, when
// $BERTLAB_PYTHON is set: a Python with torch and transformers).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>

#include "tensor/half.h"                // defines: f16_to_f32, f32_to_f16
#include "tensor/safetensors.h"         // defines: SafetensorsFile
#include "tests/support/fixtures.h"      // defines: skip_or_fail, report_skip
#include "tests/support/run_bertlab.h"   // defines: run_bertlab, run_program, read_file
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const fs::path kPretrainFixtures = fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures";  // the repository's own
const fs::path kPretrainCorpus = kPretrainFixtures / "mlm" / "corpus.txt";
const fs::path kPretrainTokenizer = kPretrainFixtures / "vocab" / "bert-base-uncased";

// Four steps of `bertlab pretrain --config tiny` on the small corpus, into `out`.
testing::Run short_pretraining(const fs::path& out, const std::string& more_options = "") {
  return testing::run_bertlab(fmt::format(
      R"(pretrain --corpus "{}" --tokenizer "{}" --config tiny --out "{}" --steps 4 --batch-size 4 --max-length 16 )"
      R"(--validation-split-percentage 20 {})",
      kPretrainCorpus.string(), kPretrainTokenizer.string(), out.string(), more_options));
}

}  // namespace

TEST_CASE("bertlab pretrain: a HF model folder with history and checkpoint, that fill-mask uses",
          "[finetune][pretrain]") {
  testing::ScratchDir dir("pretrain_cli");
  const fs::path out = dir.path / "model";
  const testing::Run run = short_pretraining(out);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("unigram baseline loss") && Contains("eval_accuracy = ") && Contains("eval_loss = "));
  for (const char* file : {"config.json", "model.safetensors", "vocab.txt", "history.jsonl", "checkpoint-4"})
    CHECK(fs::exists(out / file));
  const auto config = nlohmann::json::parse(testing::read_file(out / "config.json"));
  CHECK(config.at("architectures") == nlohmann::json::array({"BertForMaskedLM"}));
  CHECK(config.at("hidden_size") == 128);
  CHECK(config.at("vocab_size") == 30522);

  const testing::Run fill = testing::run_bertlab(fmt::format(R"(fill-mask "the rabbit went down the [MASK] ." --model "{}")",
                                                             out.string()));
  INFO(fill.out << fill.err);
  CHECK(fill.exit_code == 0);
  CHECK_THAT(fill.out, Contains("[MASK] #1"));

  // The other data path and collator: one example per line, whole words masked.
  const testing::Run lines = testing::run_bertlab(fmt::format(
      R"(pretrain --corpus "{}" --tokenizer "{}" --config tiny --out "{}" --steps 2 --batch-size 4 --max-length 16 )"
      R"(--line-by-line --whole-word-mask --validation-split-percentage 20)",
      kPretrainCorpus.string(), kPretrainTokenizer.string(), (dir.path / "lines").string()));
  INFO(lines.out << lines.err);
  CHECK(lines.exit_code == 0);
  CHECK_THAT(lines.out, Contains("13 training and 3 evaluation lines of up to 16 tokens"));

  const testing::Run bad = testing::run_bertlab(fmt::format(R"(pretrain --corpus "{}" --tokenizer "{}" --config huge --out "{}")",
                                                            kPretrainCorpus.string(), kPretrainTokenizer.string(), (dir.path / "x").string()));
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("--config: expected tiny, mini or a config.json file, got \"huge\""));

}

TEST_CASE("bertlab pretrain --save-dtype float16: resuming the finished run writes the same model in half the bytes",
          "[finetune][pretrain]") {
  testing::ScratchDir dir("pretrain_f16");
  const fs::path out = dir.path / "model";
  REQUIRE(short_pretraining(out).exit_code == 0);
  const std::vector<float> f32 = SafetensorsFile::open(out / "model.safetensors").tensor("cls.predictions.bias").to_vector();
  const auto f32_bytes = fs::file_size(out / "model.safetensors");
  // The run's last checkpoint, resumed with nothing left to train: only the final save is new.
  const testing::Run run = testing::run_bertlab(fmt::format(
      R"(pretrain --corpus "{}" --tokenizer "{}" --config tiny --out "{}" --steps 4 --batch-size 4 --max-length 16 )"
      R"(--validation-split-percentage 20 --resume "{}" --save-dtype float16)",
      kPretrainCorpus.string(), kPretrainTokenizer.string(), out.string(), (out / "checkpoint-4").string()));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const SafetensorsFile f16 = SafetensorsFile::open(out / "model.safetensors");
  CHECK(f16.entry("cls.predictions.bias").dtype == "F16");
  std::vector<float> rounded = f32;
  for (float& x : rounded) x = f16_to_f32(f32_to_f16(x));
  CHECK(f16.tensor("cls.predictions.bias").to_vector() == rounded);
  CHECK(fs::file_size(out / "model.safetensors") < f32_bytes / 2 + 4096);  // + the header
  CHECK(nlohmann::json::parse(testing::read_file(out / "config.json")).at("torch_dtype") == "float16");
  CHECK(fs::exists(out / "history.svg"));
}

TEST_CASE("bertlab pretrain --gradient-checkpointing: the same model, byte for byte, as without",
          "[finetune][pretrain][checkpointing]") {
  testing::ScratchDir dir("pretrain_checkpointing");
  const testing::Run plain = short_pretraining(dir.path / "plain");
  REQUIRE(plain.exit_code == 0);
  const testing::Run run = short_pretraining(dir.path / "checkpointed", "--gradient-checkpointing");
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  // The memory ledger after step 1 says the flag reached the model: fewer activations kept.
  auto activations_mb = [](const std::string& err) {
    std::smatch m;
    REQUIRE(std::regex_search(err, m, std::regex(R"(\n  activations +([0-9.]+) MB)")));
    return std::stod(m[1]);
  };
  CHECK(activations_mb(run.err) < activations_mb(plain.err));
  CHECK(testing::read_file(dir.path / "checkpointed" / "model.safetensors") ==
        testing::read_file(dir.path / "plain" / "model.safetensors"));
}

TEST_CASE("bertlab pretrain: transformers loads the folder with the same logits and fill-mask scores",
          "[finetune][pretrain]") {
  const char* python = std::getenv("BERTLAB_PYTHON");
  if (python == nullptr || *python == '\0') {
    testing::skip_or_fail("BERTLAB_PYTHON is not set: the transformers round trip did not run "
                          "(BERTLAB_PYTHON=$(scripts/golden-venv) runs it)");
    return;
  }
  testing::ScratchDir dir("pretrain_roundtrip");
  const fs::path out = dir.path / "model";
  const testing::Run run = short_pretraining(out);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const testing::Run check = testing::run_program(
      python, fmt::format(R"("{}" --model "{}" --bertlab "{}" --dir "{}")",
                          (fs::path(BERTLAB_SOURCE_DIR) / "tests" / "golden" / "check_pretrain_roundtrip.py").string(),
                          out.string(), (fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab").string(),
                          (dir.path / "roundtrip").string()));
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  if (check.out.find("BERTLAB-SKIP:") != std::string::npos) testing::report_skip(check.out);
}
