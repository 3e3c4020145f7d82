// Pretraining text into examples, against HF's run_mlm.py: the blocks of group_texts (with the
// 1000-line map batches) and the line-by-line examples must be the same token ids, cut at the same
// places (tests/golden/make_mlm_blocks_golden.py); reading lines and the validation split as
// datasets does.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "finetune/mlm_data.h"           // defines: read_text_lines, split_validation, mlm_examples
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;

namespace {
// The repository's own fixtures (committed, with their script): no other fixture root has them.
const std::filesystem::path kRepositoryFixtures = std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures";
}  // namespace

TEST_CASE("mlm_examples: the blocks and lines of run_mlm.py, cut at the same tokens", "[finetune][pretrain]") {
  const nlohmann::json golden = nlohmann::json::parse(std::ifstream(kRepositoryFixtures / "mlm" / "blocks.json"));
  const auto tok = tokenizer::BertTokenizer::from_pretrained(
      (kRepositoryFixtures / golden.at("tokenizer").get<std::string>()).string());
  REQUIRE(golden.at("cases").size() == 4);
  for (const auto& c : golden.at("cases")) {
    const auto file = c.at("file").get<std::string>();
    const auto max_seq_length = c.at("max_seq_length").get<int64_t>();
    const bool line_by_line = c.at("line_by_line").get<bool>();
    INFO(file << " max_seq_length " << max_seq_length << (line_by_line ? " line by line" : " blocks"));
    const auto lines = finetune::read_text_lines({kRepositoryFixtures / file});
    const auto expected = c.at("examples").get<std::vector<std::vector<int64_t>>>();
    const auto examples = finetune::mlm_examples(lines, tok, max_seq_length, line_by_line);
    REQUIRE(examples.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      INFO("example " << i);
      CHECK(examples[i] == expected[i]);
    }
  }
}

TEST_CASE("group_texts: each batch of 1000 lines is cut on its own and loses its tail", "[finetune][pretrain]") {
  // 1002 lines of 3 ids, blocks of 7: the first batch's 3000 ids give 428 blocks (4 ids left
  // over), the second batch's 6 ids none. One concatenation of all 3006 ids would give 429.
  const std::vector<std::vector<int64_t>> lines(1002, {7, 8, 9});
  const auto blocks = finetune::group_texts(lines, 7);
  REQUIRE(blocks.size() == 428);
  CHECK(blocks.back() == std::vector<int64_t>{8, 9, 7, 8, 9, 7, 8});  // ids 2989..2995 of the stream
  CHECK_THROWS_WITH(finetune::group_texts(lines, 0), Contains("block_size"));
}

TEST_CASE("read_text_lines: lines without their breaks, empty lines kept, bad files named", "[finetune][pretrain]") {
  testing::ScratchDir dir("mlm_read_lines");
  const auto a = dir.write("a.txt", "one\r\ntwo\n\nthree");
  const auto b = dir.write("b.txt", "four\n");
  CHECK(finetune::read_text_lines({a, b}) == std::vector<std::string>{"one", "two", "", "three", "four"});
  const auto bad = dir.write("bad.txt", "fine\nnot \xff utf-8\n");
  CHECK_THROWS_WITH(finetune::read_text_lines({bad}), Contains("bad.txt line 2") && Contains("UTF-8"));
  CHECK_THROWS_WITH(finetune::read_text_lines({dir.path / "missing.txt"}), Contains("missing.txt"));
}

TEST_CASE("split_validation: the first percent of the lines, rounded as Python's round", "[finetune][pretrain]") {
  auto lines_of = [](int n) {
    std::vector<std::string> lines;
    for (int i = 0; i < n; ++i) lines.push_back(std::to_string(i));
    return lines;
  };
  // datasets' train[:5%] is round(5 * n / 100): round(1.5) = 2, round(2.5) = 2, round(3.5) = 4.
  for (auto [n, expected] : {std::pair{30, 2}, {50, 2}, {70, 4}, {10, 0}}) {
    const auto splits = finetune::split_validation(lines_of(n), 5);
    CHECK(splits.validation.size() == static_cast<size_t>(expected));
    CHECK(splits.train.size() == static_cast<size_t>(n - expected));
    if (expected > 0) CHECK(splits.train.front() == std::to_string(expected));  // the split keeps the order
  }
  CHECK_THROWS_WITH(finetune::split_validation(lines_of(5), 100), Contains("percentage"));
}
