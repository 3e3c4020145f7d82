// The proof: every case of fixtures/tokenizer/cases.jsonl (made with HF's BertTokenizer for
// bert-base-uncased) must come out exactly the same: ids, tokens, token types, masks, offsets
// and decoded strings. The cases are run through run_json_case, the same code the CLI uses.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"    // defines: fixture
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "tokenizer/json_calls.h"      // defines: run_json_case

using bertlab::tokenizer::BertTokenizer;
using nlohmann::json;

TEST_CASE("BertTokenizer: every golden case matches HF exactly", "[tokenizer][golden]") {
  const auto cases = bertlab::testing::fixture("tokenizer/cases.jsonl");
  if (!cases) return;
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  const BertTokenizer tokenizer = BertTokenizer::from_pretrained(vocab->string());

  std::ifstream file(*cases);
  int n_cases = 0, n_passed = 0;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    const json test_case = json::parse(line);
    CAPTURE(test_case["id"].get<std::string>(), test_case.value("note", ""));
    const json got = bertlab::tokenizer::run_json_case(tokenizer, test_case);
    const json& expected = test_case["expected"];
    ++n_cases;
    if (got == expected) {
      ++n_passed;
      continue;
    }
    if (!expected.is_object()) {  // a decode case: one string
      CHECK(got.dump() == expected.dump());
      continue;
    }
    for (const auto& [key, want] : expected.items()) {  // name the first key that differs
      CAPTURE(key);
      CHECK(got.value(key, json()).dump() == want.dump());
    }
  }
  CHECK(n_cases == 347);
  CHECK(n_passed == n_cases);
}
