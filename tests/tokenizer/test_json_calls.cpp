// tokenizer/json_calls.h: what one line of `tokenize --jsonl` may throw. The results themselves
// are checked against HF in test_golden_cases.cpp.
#include "tokenizer/json_calls.h"  // defines: parse_json_case

#include <catch2/catch.hpp>

#include "tokenizer/error.h"  // defines: TokenizerError

using bertlab::tokenizer::parse_json_case;
using bertlab::tokenizer::TokenizerError;
using Catch::Contains;

TEST_CASE("parse_json_case: a line that is not JSON is a TokenizerError", "[tokenizer]") {
  // Both were nlohmann's own exceptions, outside the tokenizer's contract: found by
  // fuzz/fuzz_json_case.cpp (an empty line) and fuzz/fuzz_bert_config.cpp (a number past a double).
  CHECK_THROWS_AS(parse_json_case(""), TokenizerError);
  CHECK_THROWS_WITH(parse_json_case(R"({"call": {"max_length": 1e400}})"),
                    Contains("json case: not valid JSON") && Contains("number overflow"));
  CHECK_THROWS_WITH(parse_json_case(std::string(300, '[')), Contains("nested deeper than 256 levels"));
  CHECK(parse_json_case(R"({"id": 1, "decode": {"ids": [101]}})")["id"] == 1);
}
