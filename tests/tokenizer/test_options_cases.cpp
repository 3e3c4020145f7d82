// The tokenizer options (strip_accents, tokenize_chinese_chars, never_split) and NFC, against HF: every case of
// tests/fixtures/tokenizer_options/cases.jsonl (made by tests/golden/make_tokenizer_options.py with
// transformers' slow BertTokenizer) must give the same tokens and input_ids. The config of each
// case goes through TokenizerConfig::from_json_string, as a tokenizer_config.json would.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer, TokenizerConfig
#include "tokenizer/error.h"           // defines: TokenizerError
#include "tokenizer/vocab.h"           // defines: Vocab

using bertlab::tokenizer::BertTokenizer;
using bertlab::tokenizer::TokenizerConfig;
using bertlab::tokenizer::Vocab;
using nlohmann::json;

namespace {

// The repository's own file (not a shared fixture root: the reference CI has no copy of it).
const std::filesystem::path kFolder =
    std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "tokenizer_options";

BertTokenizer tokenizer_for(const json& config) {
  return BertTokenizer(Vocab::from_file(kFolder / "vocab.txt"),
                       TokenizerConfig::from_json_string(config.dump(), "(case config)"));
}

}  // namespace

TEST_CASE("BertTokenizer options: every option case matches HF's slow tokenizer",
          "[tokenizer][golden]") {
  std::ifstream file(kFolder / "cases.jsonl");
  REQUIRE(file);
  int n_cases = 0;
  for (std::string line; std::getline(file, line);) {
    if (line.empty()) continue;
    const json test_case = json::parse(line);
    CAPTURE(test_case["id"].get<std::string>(), test_case["note"].get<std::string>(),
            test_case["config"].dump());
    const BertTokenizer tokenizer = tokenizer_for(test_case["config"]);
    const std::string text = test_case["text"];
    CHECK(json(tokenizer.tokenize(text)).dump() == test_case["tokens"].dump());
    CHECK(json(tokenizer(text).input_ids).dump() == test_case["input_ids"].dump());
    ++n_cases;
  }
  CHECK(n_cases == 208);
}

TEST_CASE("BertTokenizer options: offsets of NFC-composed characters span their originals",
          "[tokenizer]") {
  const BertTokenizer cased = tokenizer_for({{"do_lower_case", false}});
  // "e\u0301cole x": NFC makes one é of code points 0-1, so école spans [0, 6).
  const auto tokens = cased.tokenize_with_offsets("e\xcc\x81" "cole x");
  REQUIRE(tokens.size() == 2);
  CHECK(cased.vocab().token(tokens[0].id) == "\xc3\xa9" "cole");
  CHECK((tokens[0].start == 0 && tokens[0].end == 6));
  CHECK((tokens[1].start == 7 && tokens[1].end == 8));
  // Conjoining jamo: 8 code points, one word 한국어 spanning all of them.
  const auto hangul = cased.tokenize_with_offsets(
      "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xae\xe1\x86\xa8\xe1\x84\x8b\xe1\x85\xa5");
  REQUIRE(hangul.size() == 1);
  CHECK((hangul[0].start == 0 && hangul[0].end == 8));
}

TEST_CASE("TokenizerConfig: strip_accents and tokenize_chinese_chars from tokenizer_config.json",
          "[tokenizer]") {
  CHECK_FALSE(TokenizerConfig::from_json_string("{}", "t").strip_accents.has_value());
  CHECK_FALSE(TokenizerConfig::from_json_string(R"({"strip_accents": null})", "t").strip_accents);
  CHECK(TokenizerConfig::from_json_string(R"({"strip_accents": false})", "t").strip_accents == false);
  CHECK(TokenizerConfig::from_json_string(R"({"strip_accents": true})", "t").strip_accents == true);
  CHECK(TokenizerConfig::from_json_string("{}", "t").tokenize_chinese_chars);
  CHECK_FALSE(
      TokenizerConfig::from_json_string(R"({"tokenize_chinese_chars": false})", "t").tokenize_chinese_chars);
  CHECK_THROWS_WITH(TokenizerConfig::from_json_string(R"({"strip_accents": "yes"})", "t"),
                    Catch::Contains("\"strip_accents\""));
  CHECK_THROWS_AS(TokenizerConfig::from_json_string(R"({"tokenize_chinese_chars": 1})", "t"),
                  bertlab::tokenizer::TokenizerError);
  CHECK(TokenizerConfig::from_json_string(R"({"never_split": ["<a>", "b"]})", "t").never_split ==
        std::vector<std::string>{"<a>", "b"});
  CHECK(TokenizerConfig::from_json_string(R"({"never_split": null})", "t").never_split.empty());
  CHECK_THROWS_WITH(TokenizerConfig::from_json_string(R"({"never_split": "<a>"})", "t"),
                    Catch::Contains("\"never_split\""));
}

TEST_CASE("BertTokenizer options: a never_split token is one token with its whole span",
          "[tokenizer]") {
  const BertTokenizer tokenizer =
      tokenizer_for({{"do_lower_case", true}, {"never_split", {"<keep>", "<gone>"}}});
  const auto tokens = tokenizer.tokenize_with_offsets("x <keep> <gone>");
  REQUIRE(tokens.size() == 3);
  CHECK(tokenizer.vocab().token(tokens[1].id) == "<keep>");
  CHECK((tokens[1].start == 2 && tokens[1].end == 8));
  // Not in the vocab: [UNK]'s id (HF's tokenize() would show "<gone>", its id is [UNK]'s too).
  CHECK(tokens[2].id == tokenizer.unk_token_id());
  CHECK((tokens[2].start == 9 && tokens[2].end == 15));
}
