// Encoding: printing in the lab's form, and [B, S] int64 matrices for the model.
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/fixtures.h"      // defines: fixture
#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab
#include "tokenizer/bert_tokenizer.h"    // defines: BertTokenizer
#include "tokenizer/error.h"             // defines: TokenizerError

using namespace bertlab::tokenizer;
using Catch::Matchers::Contains;
using Ids = std::vector<int64_t>;
using Strings = std::vector<std::string>;

namespace {

template <typename T>
std::string printed(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

}  // namespace

TEST_CASE("Encoding: prints as Python prints the dict", "[tokenizer]") {
  const BertTokenizer tokenizer(bertlab::testing::tiny_vocab());
  CHECK(printed(tokenizer("want un")) ==
        "{'input_ids': [2, 5, 9, 3], 'token_type_ids': [0, 0, 0, 0], "
        "'attention_mask': [1, 1, 1, 1]}");
  EncodeOptions options;
  options.padding = true;
  CHECK(printed(tokenizer(Strings{"want", "un un"}, options)) ==
        "{'input_ids': [[2, 5, 3, 0], [2, 9, 9, 3]], 'token_type_ids': [[0, 0, 0, 0], "
        "[0, 0, 0, 0]], 'attention_mask': [[1, 1, 1, 0], [1, 1, 1, 1]]}");
}

TEST_CASE("Encoding: matrix gives row-major [B, S] int64 with its shape", "[tokenizer]") {
  const BertTokenizer tokenizer(bertlab::testing::tiny_vocab());
  const IdMatrix one = tokenizer("want").matrix("input_ids");  // return_tensors="pt"
  CHECK(one.shape == Ids{1, 3});
  CHECK(one.data == Ids{2, 5, 3});
  EncodeOptions options;
  options.padding = true;
  const BatchEncoding batch = tokenizer(Strings{"want", "un un"}, options);
  const IdMatrix mask = batch.matrix("attention_mask");
  CHECK(mask.shape == Ids{2, 4});
  CHECK(mask.data == Ids{1, 1, 1, 0, 1, 1, 1, 1});
  CHECK_THROWS_WITH(tokenizer(Strings{"want", "un un"}).matrix("input_ids"),
                    Contains("rows differ in length") && Contains("padding = true"));
  CHECK_THROWS_WITH(tokenizer("want")["offsets"], Contains("unknown key"));
}

TEST_CASE("BertTokenizer: the lab's In[4] and In[8] print as in the notebook",
          "[tokenizer][golden]") {
  const auto vocab = bertlab::testing::fixture("vocab/bert-base-uncased");
  if (!vocab) return;
  const BertTokenizer tokenizer = BertTokenizer::from_pretrained(vocab->string());
  CHECK(printed(tokenizer("This is a test sentence")) ==
        "{'input_ids': [101, 2023, 2003, 1037, 3231, 6251, 102], 'token_type_ids': [0, 0, 0, 0, "
        "0, 0, 0], 'attention_mask': [1, 1, 1, 1, 1, 1, 1]}");
  // In[8]: padding=True, max_length=15, truncation=True on a pair of 7 + 10 tokens.
  EncodeOptions options;
  options.padding = true;
  options.truncation = true;
  options.max_length = 15;
  const Encoding encoding =
      tokenizer("My dog is barking over the door",
                "The scent of freshly baked cookies filled the kitchen", options);
  CHECK(tokenizer.convert_ids_to_tokens(encoding.input_ids) ==
        Strings{"[CLS]", "my", "dog", "is", "barking", "over", "the", "[SEP]", "the", "scent", "of",
                "freshly", "baked", "cookies", "[SEP]"});
  CHECK(encoding.token_type_ids == Ids{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1});
}
