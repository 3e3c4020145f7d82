// The machine-readable CLI, end to end: `bertlab tokenize --model <vocab folder> --jsonl`
// reads cases.jsonl on stdin and must answer every case with HF's expected output.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"  // defines: fixture

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
  CHECK(answers.size() == expected.size());
  for (const json& test_case : expected) {
    const std::string id = test_case["id"];
    CAPTURE(id);
    REQUIRE(answers.count(id) == 1);
    CHECK(answers[id].value("result", json()).dump() == test_case["expected"].dump());
  }
}
