// BertConfig: config.json is read from a file someone else wrote, so every field is checked
// before a tensor is made: ids inside their tables, positive sizes, a model that fits in memory,
// and a file that is JSON of sane depth. Each error names the file and the field.
#include "bert/config.h"  // defines: BertConfig

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "bert/model.h"
#include "tensor/error.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using namespace bertlab::bert;
using Catch::Contains;
using nlohmann::json;

namespace {

// A small valid config.json with the fields of `changes` set.
BertConfig read(const json& changes) {
  json j = {{"vocab_size", 50},        {"hidden_size", 8},       {"num_hidden_layers", 2},
            {"num_attention_heads", 2}, {"intermediate_size", 16}, {"max_position_embeddings", 16}};
  j.update(changes);
  return BertConfig::from_json_string(j.dump(), "model/config.json");
}

BertConfig read(const std::string& field, const json& value) { return read(json{{field, value}}); }

}  // namespace

TEST_CASE("BertConfig: an id outside its table is an error naming the field", "[bert][config]") {
  CHECK(read("pad_token_id", 49).pad_token_id == 49);
  // pad_token_id = vocab_size used to zero the row past the end of the word-embedding table
  CHECK_THROWS_WITH(read("pad_token_id", 50), Contains("model/config.json") && Contains("\"pad_token_id\"") &&
                                                  Contains("expected 0 <= pad_token_id < 50 (vocab_size), got 50"));
  CHECK_THROWS_WITH(read("pad_token_id", -1), Contains("\"pad_token_id\"") && Contains("got -1"));
}

TEST_CASE("BertConfig: sizes must be positive, heads must divide hidden_size, eps must be positive",
          "[bert][config]") {
  for (const char* field : {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                            "intermediate_size", "max_position_embeddings", "type_vocab_size", "num_labels"}) {
    CAPTURE(field);
    CHECK_THROWS_WITH(read(field, 0), Contains("model/config.json") && Contains(fmt::format("\"{}\"", field)) &&
                                          Contains("got 0"));
    CHECK_THROWS_WITH(read(field, -3), Contains(fmt::format("\"{}\"", field)) && Contains("got -3"));
  }
  CHECK_THROWS_WITH(read("num_attention_heads", 3),
                    Contains("hidden_size must be a multiple of num_attention_heads") && Contains("got 8 and 3"));
  for (double eps : {0.0, -1e-12}) {
    CAPTURE(eps);
    CHECK_THROWS_WITH(read("layer_norm_eps", eps), Contains("model/config.json") && Contains("\"layer_norm_eps\"") &&
                                                       Contains("expected a positive number"));
  }
  CHECK_THROWS_WITH(read("hidden_dropout_prob", 1.5), Contains("\"hidden_dropout_prob\"") && Contains("[0, 1]"));
}

TEST_CASE("BertConfig: a model too big for this machine fails at once, naming the field and the bytes",
          "[bert][config]") {
  const auto start = std::chrono::steady_clock::now();
  // 2^62 + 1: hidden_size × intermediate_size overflows int64 (it once got a 4-byte buffer)
  CHECK_THROWS_WITH(read("intermediate_size", (int64_t{1} << 62) + 1),
                    Contains("model/config.json") && Contains("more than this machine's memory") &&
                        Contains("intermediate_size") && Contains("bytes"));
  // These ran for 20 s and died with a bare std::bad_alloc.
  // A million bert-base layers: 2.8e13 bytes
  CHECK_THROWS_WITH(read({{"num_hidden_layers", 1000000}, {"hidden_size", 768}, {"intermediate_size", 3072}}),
                    Contains("\"num_hidden_layers\"") && Contains("2.835e+13 bytes") &&
                        Contains("got num_hidden_layers = 1000000") &&
                        Contains("bert-base has num_hidden_layers = 12"));
  CHECK_THROWS_WITH(read("num_labels", 1000000000000), Contains("num_labels") && Contains("bytes"));
  CHECK_THROWS_WITH(read("vocab_size", int64_t{1} << 40), Contains("vocab_size") && Contains("bytes"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));

  // A config made in code is checked before any tensor is allocated, too.
  BertConfig huge = testing::tiny_config();
  huge.num_hidden_layers = 1000000;
  huge.hidden_size = 1024;
  CHECK_THROWS_WITH(BertModel(huge), Contains("num_hidden_layers"));
}

TEST_CASE("BertConfig: deeply nested or long values are errors with short messages, not crashes",
          "[bert][config]") {
  // 100000 nested arrays: dumping the value for the "wrong type" message overflowed the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK_THROWS_WITH(BertConfig::from_json_string("{\"hidden_size\": " + deep + "}", "model/config.json"),
                    Contains("model/config.json: not valid JSON: nested deeper than 256 levels"));
  // A 100000-character value is quoted in the error as ~80 bytes.
  try {
    read("hidden_act", std::string(100000, 'x'));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Contains("\"hidden_act\"") && Contains("xxx..."));
    CHECK(std::string(e.what()).size() < 400);
  }
  try {
    read("hidden_size", std::vector<int>(100000, 7));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Contains("\"hidden_size\"") && Contains("[7,7,7"));
    CHECK(std::string(e.what()).size() < 400);
  }
}
