// BasicTokenizer: normalization and word splitting, no vocabulary involved.
#include <catch2/catch.hpp>

#include "tokenizer/basic_tokenizer.h"  // defines: BasicTokenizer, is_punctuation, is_cjk

using namespace bertlab::tokenizer;
using Strings = std::vector<std::string>;

TEST_CASE("BasicTokenizer: lowercases and splits on whitespace and punctuation", "[tokenizer]") {
  const BasicTokenizer basic;
  CHECK(basic.tokenize(" \tHeLLo!how  \n Are yoU?  ") ==
        Strings{"hello", "!", "how", "are", "you", "?"});
  CHECK(basic.tokenize("3.14$") == Strings{"3", ".", "14", "$"});  // ASCII symbols split too
  CHECK(basic.tokenize("   ").empty());
}

TEST_CASE("BasicTokenizer: strips accents by NFD, keeps letters without a decomposition",
          "[tokenizer]") {
  const BasicTokenizer basic;
  CHECK(basic.tokenize("Héllo Crème") == Strings{"hello", "creme"});
  CHECK(basic.tokenize("cafe\u0301") == Strings{"cafe"});  // a combining accent after the e
  CHECK(basic.tokenize("łøß") == Strings{"łøß"});
  CHECK(basic.tokenize("ΟΔΟΣ") == Strings{"οδοσ"});  // per character: no final sigma
}

TEST_CASE("BasicTokenizer: deletes control and format characters without splitting",
          "[tokenizer]") {
  const BasicTokenizer basic;
  CHECK(basic.tokenize("a\u200bb") == Strings{"ab"});              // zero-width space: deleted
  CHECK(basic.tokenize(std::string("a\0b", 3)) == Strings{"ab"});  // NUL: deleted
  CHECK(basic.tokenize("a\u00a0b") == Strings{"a", "b"});  // no-break space (Zs): a boundary
  CHECK(basic.tokenize("a\u2028b") == Strings{"a", "b"});  // line separator: a boundary
}

TEST_CASE("BasicTokenizer: every CJK ideograph is a word, kana are not", "[tokenizer]") {
  const BasicTokenizer basic;
  CHECK(basic.tokenize("ah博推zz") == Strings{"ah", "博", "推", "zz"});
  CHECK(basic.tokenize("日本語のテキスト") == Strings{"日", "本", "語", "のテキスト"});
  CHECK(is_cjk(U'博'));
  CHECK_FALSE(is_cjk(U'テ'));
}

TEST_CASE("BasicTokenizer: with do_lower_case false, case and accents stay", "[tokenizer]") {
  const BasicTokenizer basic(/*do_lower_case=*/false);
  CHECK(basic.tokenize("HeLLo, Héllo!") == Strings{"HeLLo", ",", "Héllo", "!"});
}

TEST_CASE("is_punctuation: ASCII symbols and Unicode P*, not other symbols", "[tokenizer]") {
  for (char32_t c : {U'!', U'$', U'+', U'^', U'`', U'~', U'¿', U'—', U'«'})
    CHECK(is_punctuation(c));
  for (char32_t c : {U'a', U'0', U'©', U'→', U'★', U'½'}) CHECK_FALSE(is_punctuation(c));
}
