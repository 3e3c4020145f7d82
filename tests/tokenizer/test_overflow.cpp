// Overflowing windows for question answering: truncation only_second + stride.
// Expected rows worked out by hand from the tiny vocabulary's ids (tests/tokenizer/tiny_vocab.h).
#include <catch2/catch.hpp>

#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab
#include "tokenizer/bert_tokenizer.h"    // defines: BertTokenizer
#include "tokenizer/error.h"             // defines: TokenizerError

using namespace bertlab::tokenizer;
using Ids = std::vector<int64_t>;
using Strings = std::vector<std::string>;
using Offsets = std::vector<std::pair<int64_t, int64_t>>;

namespace {
EncodeOptions qa_options(int64_t max_length, int64_t stride) {
  EncodeOptions options;
  options.truncation = Truncation::only_second;
  options.max_length = max_length;
  options.stride = stride;
  options.return_overflowing_tokens = true;
  options.padding = Padding::max_length;
  return options;
}
}  // namespace

TEST_CASE("BertTokenizer: only_second overflow gives windows that keep the question", "[tokenizer]") {
  const BertTokenizer tokenizer(bertlab::testing::tiny_vocab());
  // Question "want" = [5]. Context "un , . ! hello don" = [9, 12, 15, 16, 20, 19].
  // max_length 7 - 3 specials - 1 question token = 3 context tokens per window; stride 1 means
  // each window starts 3 - 1 = 2 tokens after the previous: [0, 3), [2, 5), [4, 6) (reaches the end).
  const BatchEncoding batch =
      tokenizer(Strings{"want", "want"}, Strings{"un , . ! hello don", "un"}, qa_options(7, 1));
  REQUIRE(batch.size() == 4);
  CHECK(batch[0].input_ids == Ids{2, 5, 3, 9, 12, 15, 3});
  CHECK(batch[1].input_ids == Ids{2, 5, 3, 15, 16, 20, 3});
  CHECK(batch[2].input_ids == Ids{2, 5, 3, 20, 19, 3, 0});  // padded to max_length
  CHECK(batch[3].input_ids == Ids{2, 5, 3, 9, 3, 0, 0});    // short context: one window
  CHECK(batch.overflow_to_sample_mapping == Ids{0, 0, 0, 1});
  CHECK(batch[1].token_type_ids == Ids{0, 0, 0, 1, 1, 1, 1});
  CHECK(batch[2].attention_mask == Ids{1, 1, 1, 1, 1, 1, 0});
  // Offsets point into each text: "." is context chars [5, 6), "hello" [9, 14).
  CHECK(batch[1].offset_mapping == Offsets{{0, 0}, {0, 4}, {0, 0}, {5, 6}, {7, 8}, {9, 14}, {0, 0}});
}

TEST_CASE("BertTokenizer: overflow windows need more room than the stride", "[tokenizer]") {
  const BertTokenizer tokenizer(bertlab::testing::tiny_vocab());
  CHECK_THROWS_AS(tokenizer(Strings{"want"}, Strings{"un un un un"}, qa_options(6, 2)), TokenizerError);
  EncodeOptions longest = qa_options(7, 1);
  longest.truncation = Truncation::longest_first;
  CHECK_THROWS_AS(tokenizer(Strings{"want"}, Strings{"un un un un"}, longest), TokenizerError);
}
