// The command line of the heads added in issue 20: `bertlab forward --task nsp|...` writes what the
// golden file holds, and `bertlab finetune-token-cls` trains on CoNLL files, saves a model with the
// training tags as id2label, and stops on a malformed line with one error naming file:line.
// The models are the repository's small-vocab-heads fixtures (tests/golden/make_fixtures.py).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "bert/config.h"                 // defines: BertConfig
#include "tensor/safetensors.h"          // defines: SafetensorsFile
#include "tests/support/run_bertlab.h"   // defines: run_bertlab, Run
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;
using testing::run_bertlab;
namespace fs = std::filesystem;

namespace {
fs::path heads_fixture(const std::string& name) {
  return fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "models" / "small-vocab-heads" / name;
}
}  // namespace

TEST_CASE("bertlab forward --task nsp|pretraining: logits, loss and gradients under the fixtures' names",
          "[cli][heads]") {
  testing::ScratchDir dir("cli_forward_heads");
  for (const auto& [task, loss] : {std::pair{"nsp", "nsp_loss"}, {"pretraining", "pretraining_loss"}}) {
    const fs::path model = heads_fixture(task), out = dir.path / (std::string(task) + ".safetensors");
    const auto run = run_bertlab(fmt::format(R"(forward --model "{}" --task {} --inputs "{}" --out "{}" --grads)",
                                             model.string(), task, (model / "golden.safetensors").string(),
                                             out.string()));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const SafetensorsFile mine = SafetensorsFile::open(out), gold = SafetensorsFile::open(model / "golden.safetensors");
    CHECK(mine.contains("nsp_logits"));
    CHECK(mine.contains("pooler_output"));
    CHECK(mine.contains("grad.cls.seq_relationship.weight"));
    CHECK(mine.tensor(loss).item() == Approx(gold.tensor(loss).item()).epsilon(1e-5));
  }
}

TEST_CASE("bertlab finetune-token-cls: trains on CoNLL files and saves id2label, a bad line is file:line",
          "[cli][finetune][ner]") {
  const fs::path model = heads_fixture("pretraining");  // its vocab holds these words
  testing::ScratchDir dir("cli_finetune_token_cls");
  const fs::path data = dir.write("train.txt",
                                  "-DOCSTART- O\n\nada B-PER\nlovelace I-PER\nlived O\nin O\nlondon B-LOC\n\n"
                                  "paris B-LOC\nis O\nin O\nfrance B-LOC\n");
  const fs::path out = dir.path / "out";
  const auto run = run_bertlab(fmt::format(
      R"(finetune-token-cls --model "{}" --train "{}" --eval "{}" --output "{}" --steps 2 --batch-size 2 --max-length 16)",
      model.string(), data.string(), data.string(), out.string()));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("tags [B-LOC, B-PER, I-PER, O]") && Contains("eval_f1 = "));
  CHECK_THAT(run.err, Contains("newly initialized: ['classifier.bias', 'classifier.weight']"));
  const bert::BertConfig saved = bert::BertConfig::from_json_file(out / "config.json");
  CHECK(saved.architectures == std::vector<std::string>{"BertForTokenClassification"});
  CHECK(saved.id2label == std::vector<std::string>{"B-LOC", "B-PER", "I-PER", "O"});

  const fs::path bad = dir.write("bad.txt", "ada B-PER\nlovelace\n");
  const auto error = run_bertlab(fmt::format(R"(finetune-token-cls --model "{}" --train "{}" --eval "{}" --output "{}")",
                                             model.string(), bad.string(), bad.string(), (dir.path / "o2").string()));
  CHECK(error.exit_code == 1);
  CHECK_THAT(error.err, Contains(bad.string() + ":2: expected \"word tag\""));
}
