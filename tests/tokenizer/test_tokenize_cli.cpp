// The tokenizer's CLI, end to end: `bertlab tokenize --model <vocab folder> --jsonl` reads
// cases.jsonl on stdin and must answer every case with HF's expected output; with a text and
// HF's keyword arguments it prints what the notebook's tokenizer cells print.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"     // defines: fixture
#include "tests/support/run_bertlab.h"  // defines: run_bertlab, Run

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<json> read_jsonl(const fs::path& path) {
  std::vector<json> lines;
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

}  // namespace

TEST_CASE("bertlab tokenize: --jsonl answers every golden case as HF", "[tokenizer][golden][cli]") {
  const auto cases = bertlab::testing::fixture("tokenizer/cases.jsonl");
  if (!cases) return;
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  const fs::path cli = fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab";
  REQUIRE(fs::exists(cli));

  const fs::path results = fs::temp_directory_path() / "bertlab_tokenize_cli_results.jsonl";
  const std::string command =
      fmt::format(R"("{}" tokenize --model "{}" --jsonl < "{}" > "{}" 2>/dev/null)", cli.string(),
                  vocab->string(), cases->string(), results.string());
  REQUIRE(std::system(command.c_str()) == 0);

  std::map<std::string, json> answers;  // id -> {"id", "result"} line
  for (const json& line : read_jsonl(results)) answers[line["id"].get<std::string>()] = line;
  fs::remove(results);

  const std::vector<json> expected = read_jsonl(*cases);
  REQUIRE(expected.size() == 347);  // fixtures/tokenizer/README.md: 347 cases (312 encode, 35 decode)
  CHECK(answers.size() == expected.size());
  size_t compared = 0;
  for (const json& test_case : expected) {
    const std::string id = test_case["id"];
    CAPTURE(id);
    REQUIRE(answers.count(id) == 1);
    CHECK(answers[id].value("result", json()).dump() == test_case["expected"].dump());
    ++compared;
  }
  CHECK(compared == 347);
}

TEST_CASE("bertlab tokenize: --jsonl answers a hostile line with an error and goes on", "[tokenizer][cli]") {
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  const fs::path cli = fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab";
  const fs::path cases = fs::temp_directory_path() / "bertlab_tokenize_cli_hostile.jsonl";
  const fs::path results = fs::temp_directory_path() / "bertlab_tokenize_cli_hostile_results.jsonl";
  {
    std::ofstream file(cases);
    // Padding one row to 10^8 tokens took 7.8 GB and then aborted, losing every later line.
    file << R"({"id": "huge", "call": {"text": "hi", "padding": "max_length", "max_length": 100000000}})" << "\n";
    // 1,000 rows of 10,000 tokens each: every row is allowed, their sum is not.
    file << R"({"id": "batch", "call": {"padding": "max_length", "max_length": 10000, "text": [)";
    for (int i = 0; i < 1000; ++i) file << (i ? ", " : "") << "\"hi\"";
    file << "]}}\n";
    file << std::string(100000, '[') << std::string(100000, ']') << "\n";  // crashed the parser's recursion
    file << "not json\n";
    file << R"({"id": 7, "call": {"text": 5}})" << "\n";
    file << R"({"id": "ok", "call": {"text": "hi", "padding": "max_length", "max_length": 5}})" << "\n";
  }
  const std::string command = fmt::format(R"("{}" tokenize --model "{}" --jsonl < "{}" > "{}" 2>/dev/null)",
                                          cli.string(), vocab->string(), cases.string(), results.string());
  const int status = std::system(command.c_str());
  const std::vector<json> lines = read_jsonl(results);
  fs::remove(cases);
  fs::remove(results);
  CHECK(status == 0);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0]["id"] == "huge");
  CHECK_THAT(lines[0].value("error", ""), Catch::Contains("max_length") && Catch::Contains("1000000"));
  CHECK(lines[1]["id"] == "batch");
  CHECK_THAT(lines[1].value("error", ""), Catch::Contains("1000 rows of 10000") && Catch::Contains("1000000"));
  CHECK_THAT(lines[2].value("error", ""), Catch::Contains("nested deeper than"));
  CHECK_THAT(lines[3].value("error", ""), Catch::Contains("parse error"));
  CHECK(lines[4]["id"] == 7);
  CHECK_THAT(lines[4].value("error", ""), Catch::Contains("\"text\""));
  CHECK(lines[5]["id"] == "ok");
  CHECK(lines[5]["result"]["input_ids"] == json({101, 7632, 102, 0, 0}));
}

// The notebook's In [8]: tokenizer(example1, example2, return_tensors="pt", padding=True,
// max_length=15, truncation=True), printed, with transformers' notice as the notebook shows it.
TEST_CASE("bertlab tokenize: In [8]'s options print torch tensors after transformers' notice", "[tokenizer][cli]") {
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  const std::string in8 = fmt::format(
      R"(tokenize --model "{}" "My dog is barking over the door" --pair "The scent of freshly baked cookies )"
      R"(filled the kitchen" --padding true --max-length 15 --truncation true)",
      vocab->string());
  const bertlab::testing::Run run = bertlab::testing::run_bertlab(in8 + " --return-tensors pt");
  CHECK(run.exit_code == 0);
  CHECK(run.err ==
        "Be aware, overflowing tokens are not returned for the setting you have chosen, i.e. sequence pairs with the "
        "'longest_first' truncation strategy. So the returned list will always be empty even if some tokens have "
        "been removed.\n");
  CHECK(run.out ==
        "{'input_ids': tensor([[  101,  2026,  3899,  2003, 19372,  2058,  1996,   102,  1996,  6518,\n"
        "          1997, 20229, 17776, 16324,   102]]), 'token_type_ids': tensor([[0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, "
        "1, 1, 1]]), 'attention_mask': tensor([[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]])}\n"
        "['[CLS]', 'my', 'dog', 'is', 'barking', 'over', 'the', '[SEP]', 'the', 'scent', 'of', 'freshly', 'baked', "
        "'cookies', '[SEP]']\n");

  // Without return_tensors the same encoding prints as Python lists.
  const bertlab::testing::Run lists = bertlab::testing::run_bertlab(in8);
  CHECK(lists.exit_code == 0);
  CHECK_THAT(lists.out, Catch::StartsWith("{'input_ids': [101, 2026, 3899, 2003, 19372, 2058, 1996, 102, 1996, 6518, "
                                          "1997, 20229, 17776, 16324, 102], 'token_type_ids': [0, "));

  // Padding to max_length needs no truncation, and a single text never gets the pair notice.
  const bertlab::testing::Run padded = bertlab::testing::run_bertlab(
      fmt::format(R"(tokenize --model "{}" "hi" --padding max_length --max-length 5)", vocab->string()));
  CHECK(padded.exit_code == 0);
  CHECK(padded.err.empty());
  CHECK_THAT(padded.out, Catch::StartsWith("{'input_ids': [101, 7632, 102, 0, 0], 'token_type_ids': [0, 0, 0, 0, 0], "
                                           "'attention_mask': [1, 1, 1, 0, 0]}\n"));
}

TEST_CASE("bertlab tokenize: a bad option is a one-line error", "[tokenizer][cli]") {
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  auto tokenize = [&](const std::string& args) {
    return bertlab::testing::run_bertlab(fmt::format(R"(tokenize --model "{}" {})", vocab->string(), args));
  };
  const bertlab::testing::Run strategy = tokenize(R"("hi" --padding sideways)");
  CHECK(strategy.exit_code != 0);
  CHECK_THAT(strategy.err, Catch::Contains("padding: unknown strategy"));
  const bertlab::testing::Run numpy = tokenize(R"("hi" --return-tensors np)");  // only torch's printing is known
  CHECK(numpy.exit_code != 0);
  CHECK_THAT(numpy.err, Catch::Contains("--return-tensors"));
  const bertlab::testing::Run jsonl = tokenize("--jsonl --padding true < /dev/null");  // each case has its own
  CHECK(jsonl.exit_code != 0);
  CHECK_THAT(jsonl.err, Catch::Contains("--padding"));
}
