// json/parse.h: the depth cap (exactly kMaxJsonDepth levels pass, one more fails before any
// parsing), brackets inside strings not counting, and error messages that stay short.
#include "json/parse.h"  // defines: parse_json, json_excerpt, text_excerpt, kMaxJsonDepth

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace bertlab;
using Catch::Contains;

namespace {
std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }
}  // namespace

TEST_CASE("parse_json: nesting is capped at kMaxJsonDepth levels", "[json]") {
  CHECK(parse_json<std::runtime_error>(nested_arrays(kMaxJsonDepth), "deep.json").is_array());
  CHECK_THROWS_WITH(parse_json<std::runtime_error>(nested_arrays(kMaxJsonDepth + 1), "deep.json"),
                    Contains("deep.json: not valid JSON: nested deeper than 256 levels at byte 256"));
  // 200000 levels: copying or dumping this value would overflow the stack; it is refused first.
  CHECK_THROWS_WITH(parse_json<std::runtime_error>(nested_arrays(200000), "deep.json"), Contains("deeper than 256"));
  // Objects count as levels too: {"a":{"a":...}}
  std::string objects;
  for (int i = 0; i <= kMaxJsonDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kMaxJsonDepth + 1, '}');
  CHECK_THROWS_WITH(parse_json<std::runtime_error>(objects, "deep.json"), Contains("deeper than 256"));
}

TEST_CASE("parse_json: ordered_json keeps the keys in file order", "[json]") {
  const auto j = parse_json<std::runtime_error, nlohmann::ordered_json>(R"({"b": 1, "a": 2})", "o.json");
  CHECK(j.begin().key() == "b");
  CHECK_THROWS_WITH((parse_json<std::runtime_error, nlohmann::ordered_json>(nested_arrays(300), "o.json")),
                    Contains("o.json: not valid JSON: nested deeper"));
}

TEST_CASE("parse_json: a number too big for a double is an ErrorT naming the source", "[json]") {
  // nlohmann throws out_of_range here, not parse_error: found by fuzz/fuzz_bert_config.cpp.
  CHECK_THROWS_AS(parse_json<std::runtime_error>(R"({"vocab_size": 1e400})", "n.json"), std::runtime_error);
  CHECK_THROWS_WITH(parse_json<std::runtime_error>("[-1e400]", "n.json"),
                    Contains("n.json: not valid JSON") && Contains("number overflow"));
}

TEST_CASE("parse_json: brackets inside strings are text, not nesting", "[json]") {
  // 300 '[' inside a string, and an escaped quote that does not end the string
  const std::string text = "{\"s\": \"\\\"" + std::string(300, '[') + "\"}";
  CHECK(parse_json<std::runtime_error>(text, "s.json")["s"].get<std::string>().size() == 301);
}

TEST_CASE("parse_json: a syntax error names the source, and quotes at most a short excerpt", "[json]") {
  // An unterminated 10000-character string: nlohmann's message would quote all of it.
  const std::string text = "{\"a\": \"" + std::string(10000, 'x');
  try {
    parse_json<std::runtime_error>(text, "bad.json");
    FAIL("expected an error");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Contains("bad.json: not valid JSON: [json.exception.parse_error"));
    CHECK(message.size() < 300);
  }
}

TEST_CASE("json_excerpt: long values are cut to ~80 bytes, at a character boundary", "[json]") {
  CHECK(json_excerpt(nlohmann::json{1, 2}) == "[1,2]");
  const std::string cut = json_excerpt(std::string(1000, 'x'));
  CHECK(cut.size() == 80);
  CHECK(cut.substr(75) == "xx...");
  // "é" is two bytes (C3 A9); a cut never leaves half of one
  CHECK(text_excerpt("a\xC3\xA9\xC3\xA9\xC3\xA9", 6) == "a\xC3\xA9...");
  CHECK(text_excerpt("ab\xC3\xA9\xC3\xA9\xC3\xA9", 6) == "ab...");
}
