// Lab 05 (examples/lab05_lora_qa.cpp): every cell runs, and the lines docs/labs/*/05-lora-qa.md
// quotes that do not depend on training come out as transformers + PEFT print them.
// The expected window counts and answer tokens were printed by transformers 5 (BertTokenizerFast,
// run_qa.py's labelling) and the trainable-parameter count by PEFT's print_trainable_parameters,
// on the same files with the same options.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <string>

#include "pipelines/sentence_transformer.h"  // defines: default_minilm_dir
#include "tests/support/fixtures.h"
#include "tests/support/run_bertlab.h"  // defines: run_program, Run

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using bertlab::testing::Run;

namespace {

// Every number printed after `label` on the lines of `out` that start with it, in order.
std::vector<double> numbers_after(const std::string& out, const std::string& label) {
  std::vector<double> values;
  const std::regex line("(^|\n)" + label + " ([-+0-9.e]+)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
    values.push_back(std::stod((*it)[2]));
  return values;
}

Run run_lab05(const fs::path& model, const fs::path& output, const std::string& options) {
  return bertlab::testing::run_program(
      fs::path(BERTLAB_BINARY_DIR) / "examples" / "lab05_lora_qa", fmt::format("\"{}\" --output \"{}\" --seed 42 {}", model.string(), output.string(), options));
}

}  // namespace

TEST_CASE("lab05_lora_qa: every cell runs on the tiny fixture model, on the mini QA set", "[lab05][lab][cli]") {
  const auto dir = bertlab::testing::fixture("models/tiny-bert");
  if (!dir) return;
  const fs::path output = fs::temp_directory_path() / fmt::format("bertlab_lab05_{}", getpid());
  // tiny-bert has 64 positions: windows of 64 tokens overlapping by 16.
  const Run run = run_lab05(*dir, output, "--max-length 64 --doc-stride 16 --steps 4");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (int n = 1; n <= 11; ++n) CHECK_THAT(run.out, Contains(fmt::format("In [{}]: ", n)));
  // The repository's tiny-bert has a 2,079-word vocab (no "seoul": one [UNK], at the token transformers
  // labels); ../shared/fixtures' has bert-base-uncased's 30,522 words, so it cuts the contexts into
  // other pieces.
  const bool small_vocab = bertlab::testing::fixture_vocab_size(*dir) == 2079;
  CHECK_THAT(run.out, Contains("...: print(len(train_examples), len(eval_examples))\n18 6\n"));
  CHECK_THAT(run.out, Contains(fmt::format("...: print(len(train_features[\"input_ids\"]), len(eval_features[\"input_ids\"]))\n{}\n",
                                           small_vocab ? "20 6" : "21 6")));
  CHECK_THAT(run.out, Contains(fmt::format("What is the capital of South Korea? -> Seoul\n10 10 {}\n",
                                           small_vocab ? "['[UNK]']" : "['seoul']")));
  // LoRA on query, key, value and the three "dense" Linears of each layer (the default). PEFT prints
  // "all params: 93,092 || trainable%: 7.7708" (30,522 words: "1,003,268 || 0.7210"): it counts
  // qa_outputs twice (the frozen original and its trainable copy in modules_to_save).
  CHECK_THAT(run.out, Contains(fmt::format("trainable params: 7,234 || all params: {}\n"
                                           "['qa_outputs.weight', 'qa_outputs.bias']\n",
                                           small_vocab ? "93,026 || trainable%: 7.7763" : "1,003,202 || trainable%: 0.7211")));
  CHECK_THAT(run.err, Contains("newly initialized: ['qa_outputs.bias', 'qa_outputs.weight']"));
  CHECK_THAT(run.err, Contains("step 4/4 | loss "));

  const std::vector<double> em = numbers_after(run.out, "exact_match");
  REQUIRE(em.size() == 2);  // before and after training
  for (double v : em) CHECK((v >= 0 && v <= 100));
  CHECK(numbers_after(run.out, "steps +[0-9]+-[0-9]+ +loss").size() == 4);  // one block per step when steps < 10
  CHECK_THAT(run.out, Contains("| answer: roasted coffee beans\n"));

  CHECK_THAT(run.out, Contains("\nadapter_config.json "));
  CHECK_THAT(run.out, Contains("\nadapter_model.safetensors "));
  CHECK(fs::exists(output / "adapter" / "adapter_model.safetensors"));
  CHECK_THAT(bertlab::testing::read_file(output / "adapter" / "adapter_config.json"),
             Contains("\"task_type\": \"QUESTION_ANS\""));
  CHECK(fs::exists(output / "history.svg"));

  // In [11]: merged and unmerged logits differ by float32 rounding only.
  const std::regex merged("\\.item\\(\\)\\)\n([-+0-9.e]+) ([-+0-9.e]+)\n");
  std::smatch m;
  REQUIRE(std::regex_search(run.out, m, merged));
  CHECK(std::stod(m[1]) < 1e-4);
  CHECK(std::stod(m[2]) < 1e-4);
  fs::remove_all(output);
}

TEST_CASE("lab05_lora_qa: a data file that is not SQuAD, or a bad article range, is a one-line error", "[lab05][cli]") {
  const auto dir = bertlab::testing::fixture("models/tiny-bert");
  if (!dir) return;
  const fs::path output = fs::temp_directory_path() / fmt::format("bertlab_lab05_bad_{}", getpid());
  const Run range = run_lab05(*dir, output, "--max-length 64 --train-articles 0-6");
  CHECK(range.exit_code == 1);
  CHECK_THAT(range.err, Contains("error: --train-articles: expected BEGIN:END (e.g. 0:40), got \"0-6\""));
  const Run empty = run_lab05(*dir, output, "--max-length 64 --eval-articles 8:9");
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.err, Contains("no questions in articles 0:6 or 8:9"));
  const Run not_squad = run_lab05(*dir, output, fmt::format("--squad \"{}\"", (*dir / "config.json").string()));
  CHECK(not_squad.exit_code == 1);
  CHECK_THAT(not_squad.err, Contains("read_squad"));
  fs::remove_all(output);
}

TEST_CASE("lab05_lora_qa: the lines the lab page quotes for all-MiniLM-L6-v2", "[lab05][minilm]") {
  const fs::path dir = bertlab::pipelines::default_minilm_dir();
  if (!fs::exists(dir / "model.safetensors")) {
    bertlab::testing::skip_or_fail("all-MiniLM-L6-v2 not fetched: no " + (dir / "model.safetensors").string() +
                                   " (run scripts/fetch-minilm; BERTLAB_MINILM_DIR overrides the cache folder)");
    return;
  }
  const fs::path output = fs::temp_directory_path() / fmt::format("bertlab_lab05_minilm_{}", getpid());
  const Run run = run_lab05(dir, output, "--steps 2 --batch-size 4");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("len(eval_examples))\n18 6\n"));
  CHECK_THAT(run.out, Contains("len(eval_features[\"input_ids\"]))\n18 6\n"));
  CHECK_THAT(run.out, Contains("What is the capital of South Korea? -> Seoul\n10 10 ['seoul']\n"));
  // The page's line (PEFT: "all params: 22,898,692 || trainable%: 1.4522", qa_outputs counted twice).
  CHECK_THAT(run.out, Contains("trainable params: 332,546 || all params: 22,897,922 || trainable%: 1.4523\n"
                               "['qa_outputs.weight', 'qa_outputs.bias']\n"));
  fs::remove_all(output);
}
