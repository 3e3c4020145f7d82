// BertTokenizer with the tiny vocabulary: tokens, offsets, special tokens, truncation, padding,
// decoding, loading and its errors. Ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, want 5,
// ##want 6, ##ed 7, un 9, runn 10, ##ing 11, "," 12 (tests/tokenizer/tiny_vocab.h).
#include <catch2/catch.hpp>

#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab, ScratchDir, vocab_file_text
#include "tokenizer/bert_tokenizer.h"    // defines: BertTokenizer
#include "tokenizer/error.h"             // defines: TokenizerError

using namespace bertlab::tokenizer;
using bertlab::testing::ScratchDir;
using Catch::Matchers::Contains;
using Ids = std::vector<int64_t>;
using Strings = std::vector<std::string>;

namespace {

const BertTokenizer& tiny() {
  static const BertTokenizer tokenizer(bertlab::testing::tiny_vocab());
  return tokenizer;
}

}  // namespace

TEST_CASE("BertTokenizer: tokenize is BasicTokenizer then WordPiece", "[tokenizer]") {
  CHECK(tiny().tokenize("UNwant\u00E9d,running") ==
        Strings{"un", "##want", "##ed", ",", "runn", "##ing"});
  CHECK(tiny().convert_tokens_to_ids(Strings{"un", "##want", "nope"}) == Ids{9, 6, 1});
  CHECK(tiny().convert_ids_to_tokens(Ids{2, 5, 3, 99}) ==
        Strings{"[CLS]", "want", "[SEP]", "[UNK]"});
}

TEST_CASE("BertTokenizer: special tokens typed in the text stay one token", "[tokenizer]") {
  CHECK(tiny().tokenize("want[MASK]want") == Strings{"want", "[MASK]", "want"});
  CHECK(tiny().tokenize("[SEP] un") == Strings{"[SEP]", "un"});
  CHECK(tiny().tokenize("[mask]") == Strings{"[", "mask", "]"});  // case-sensitive
}

TEST_CASE("BertTokenizer: offsets are spans of original code points", "[tokenizer]") {
  // "Ünwanted" is 8 code points (Ü is 2 bytes); "un" comes from Ü+n.
  const std::vector<Token> tokens = tiny().tokenize_with_offsets("Ünwanted [MASK]");
  REQUIRE(tokens.size() == 4);
  CHECK((tokens[0].start == 0 && tokens[0].end == 2));   // un
  CHECK((tokens[1].start == 2 && tokens[1].end == 6));   // ##want
  CHECK((tokens[2].start == 6 && tokens[2].end == 8));   // ##ed
  CHECK((tokens[3].start == 9 && tokens[3].end == 15));  // [MASK]
}

TEST_CASE("BertTokenizer: one text is [CLS] A [SEP], a pair [CLS] A [SEP] B [SEP]", "[tokenizer]") {
  const Encoding single = tiny()("want running");
  CHECK(single.input_ids == Ids{2, 5, 10, 11, 3});
  CHECK(single.token_type_ids == Ids{0, 0, 0, 0, 0});
  CHECK(single.special_tokens_mask == Ids{1, 0, 0, 0, 1});
  const Encoding pair = tiny()("want", "un");
  CHECK(pair.input_ids == Ids{2, 5, 3, 9, 3});
  CHECK(pair.token_type_ids == Ids{0, 0, 0, 1, 1});
  CHECK(pair.attention_mask == Ids{1, 1, 1, 1, 1});
  EncodeOptions no_specials;
  no_specials.add_special_tokens = false;
  CHECK(tiny()("want", "un", no_specials).token_type_ids == Ids{0, 0});  // slow HF: all 0
}

TEST_CASE("BertTokenizer: truncation removes from the longer segment", "[tokenizer]") {
  EncodeOptions options;
  options.max_length = 6;  // max_length alone switches on "longest_first"
  // A = want want want want (4), B = un (1): 4 + 1 + 3 = 8, remove 2, both from A.
  CHECK(tiny()("want want want want", "un", options).input_ids == Ids{2, 5, 5, 3, 9, 3});
  options.truncation = Truncation::only_second;  // B has 1 token, cannot give 2: untouched
  CHECK(tiny()("want want want want", "un", options).size() == 8);
  options.truncation = false;  // explicitly off: max_length does not truncate
  CHECK(tiny()("want want want want want").size() == 7);
  CHECK(tiny()("want want want want want", options).size() == 7);
}

TEST_CASE("BertTokenizer: too small a max_length leaves a single text as it is", "[tokenizer]") {
  EncodeOptions options;
  options.max_length = 2;  // [CLS] [SEP] alone fill it: HF cannot cut A away, and keeps it
  CHECK(tiny()("want un", options).input_ids == Ids{2, 5, 9, 3});
}

TEST_CASE("BertTokenizer: padding pads single texts to max_length, batches to the longest",
          "[tokenizer]") {
  EncodeOptions options;
  options.padding = Padding::max_length;
  options.max_length = 5;
  const Encoding padded = tiny()("want", options);
  CHECK(padded.input_ids == Ids{2, 5, 3, 0, 0});
  CHECK(padded.attention_mask == Ids{1, 1, 1, 0, 0});
  CHECK(padded.special_tokens_mask == Ids{1, 0, 1, 1, 1});
  options.padding = true;  // "longest"; max_length is ignored without truncation
  const BatchEncoding batch = tiny()(Strings{"want", "un want un"}, options);
  CHECK(batch[0].input_ids == Ids{2, 5, 3, 0, 0});
  CHECK(batch[1].input_ids == Ids{2, 9, 5, 9, 3});
}

TEST_CASE("BertTokenizer: decode joins pieces and cleans up spaces", "[tokenizer]") {
  const Ids ids = {2, 9, 6, 7, 12, 10, 11, 15, 3};  // [CLS] un ##want ##ed , runn ##ing . [SEP]
  CHECK(tiny().decode(ids) == "[CLS] unwanted, running. [SEP]");
  CHECK(tiny().decode(ids, /*skip_special_tokens=*/true) == "unwanted, running.");
  CHECK(tiny().decode(Ids{19, 17, 18}) == "don't");  // " ' " -> "'"
}

TEST_CASE("BertTokenizer: from_pretrained reads vocab.txt and tokenizer_config.json",
          "[tokenizer]") {
  ScratchDir dir("bert_tokenizer_folder");
  dir.write("vocab.txt", bertlab::testing::vocab_file_text(bertlab::testing::kTinyTokens));
  dir.write("tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 4})");
  const BertTokenizer folder = BertTokenizer::from_pretrained(dir.path.string());
  CHECK(folder.config().model_max_length == 4);
  CHECK(folder.tokenize("Want want") == Strings{"[UNK]", "want"});  // cased: "Want" is unknown
  EncodeOptions options;
  options.truncation = true;  // to model_max_length
  CHECK(folder("want want want", options).input_ids == Ids{2, 5, 5, 3});
  const BertTokenizer file = BertTokenizer::from_pretrained((dir.path / "vocab.txt").string());
  CHECK(file.config().model_max_length == 512);
}

TEST_CASE("BertTokenizer: bad input is a clear error", "[tokenizer]") {
  ScratchDir dir("bert_tokenizer_errors");
  CHECK_THROWS_WITH(BertTokenizer::from_pretrained((dir.path / "missing").string()),
                    Contains("model not found"));
  CHECK_THROWS_WITH(BertTokenizer::from_pretrained(dir.path.string()),
                    Contains("cannot open the vocabulary"));
  CHECK_THROWS_WITH(BertTokenizer(Vocab({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "x"})),
                    Contains("got no [MASK] among 5 tokens"));
  CHECK_THROWS_WITH(tiny()("un\xc3("), Contains("invalid UTF-8") && Contains("byte offset 2"));
  EncodeOptions negative;
  negative.max_length = -1;
  CHECK_THROWS_WITH(tiny()("un", negative), Contains("negative max_length"));
  CHECK_THROWS_WITH(tiny()(Strings{"a", "b"}, Strings{"c"}), Contains("got 2 texts and 1 pairs"));
  dir.write("vocab.txt", bertlab::testing::vocab_file_text(bertlab::testing::kTinyTokens));
  dir.write("tokenizer_config.json", "{not json");
  CHECK_THROWS_WITH(BertTokenizer::from_pretrained(dir.path.string()),
                    Contains("bad tokenizer_config.json"));
}

TEST_CASE("TokenizerConfig: model_max_length 1e30 means no limit, a negative one is an error", "[tokenizer]") {
  // -1e30 reached nlohmann's bare double-to-int64 cast, which is undefined (UBSan in
  // fuzz/fuzz_tokenizer_config.cpp reports it).
  CHECK(TokenizerConfig::from_json_string(R"({"model_max_length": 1e30})", "t.json").model_max_length == INT64_MAX);
  CHECK(TokenizerConfig::from_json_string(R"({"model_max_length": 0})", "t.json").model_max_length == 0);
  for (const char* bad : {R"({"model_max_length": -1e30})", R"({"model_max_length": -1})"})
    CHECK_THROWS_WITH(TokenizerConfig::from_json_string(bad, "t.json"),
                      Contains("t.json") && Contains("\"model_max_length\": expected a length >= 0"));
}

TEST_CASE("BertTokenizer: a deeply nested tokenizer_config.json is an error", "[tokenizer]") {
  ScratchDir dir("bert_tokenizer_deep_config");
  dir.write("vocab.txt", bertlab::testing::vocab_file_text(bertlab::testing::kTinyTokens));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  dir.write("tokenizer_config.json", "{\"do_lower_case\": " + deep + "}");
  CHECK_THROWS_WITH(BertTokenizer::from_pretrained(dir.path.string()),
                    Contains("tokenizer_config.json") && Contains("nested deeper than 256 levels"));
}
