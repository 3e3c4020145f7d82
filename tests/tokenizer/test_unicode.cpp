// unicode.h: UTF-8 decoding (and its errors) and the per-code-point properties BERT uses.
#include <catch2/catch.hpp>

#include "tokenizer/error.h"    // defines: TokenizerError
#include "tokenizer/unicode.h"  // defines: decode_utf8, lowercase, category, nfd

using namespace bertlab::tokenizer;
using Catch::Matchers::Contains;

TEST_CASE("decode_utf8: one code point per character, whatever its byte count", "[tokenizer]") {
  // é is 2 bytes (C3 A9), € 3 bytes, 😀 4 bytes: 7 code points from 12 bytes.
  CHECK(decode_utf8("caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80") == U"café €😀");
  CHECK(decode_utf8("").empty());
  CHECK(encode_utf8(U"café €😀") == "caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST_CASE("decode_utf8: invalid UTF-8 names its byte offset", "[tokenizer]") {
  CHECK_THROWS_AS(decode_utf8("ab\xff"), TokenizerError);
  CHECK_THROWS_WITH(decode_utf8("ab\xff"), Contains("got byte 0xff at byte offset 2"));
  CHECK_THROWS_WITH(decode_utf8("\xe2\x82"), Contains("byte offset 0"));          // cut short
  CHECK_THROWS_WITH(decode_utf8("a\xc0\xaf"), Contains("byte offset 1"));         // overlong '/'
  CHECK_THROWS_WITH(decode_utf8("ok\xed\xa0\x80"), Contains("byte offset 2"));    // surrogate
  CHECK_THROWS_WITH(decode_utf8("\xf4\x90\x80\x80"), Contains("byte offset 0"));  // > U+10FFFF
}

TEST_CASE("lowercase: simple one-to-one mapping, no context", "[tokenizer]") {
  CHECK(lowercase(U'A') == U'a');
  CHECK(lowercase(U'Σ') == U'σ');    // never the final form ς: there is no context
  CHECK(lowercase(U'Ａ') == U'ａ');  // fullwidth letters are cased too
  CHECK(lowercase(U'1') == U'1');
}

TEST_CASE("category: Python's two-letter General_Category", "[tokenizer]") {
  CHECK(category(U'a') == "Ll");
  CHECK(category(U'\u0301') == "Mn");  // combining acute accent
  CHECK(category(U'\u00a0') == "Zs");  // no-break space
  CHECK(category(U'\u200b') == "Cf");  // zero-width space
  CHECK(category(U'\u0378') == "Cn");  // unassigned
  CHECK(category(U'¿') == "Po");
}

TEST_CASE("nfd: canonical decomposition of one code point", "[tokenizer]") {
  const Decomposition e_acute = nfd(U'é');  // é = e + combining acute
  REQUIRE(e_acute.size == 2);
  CHECK(e_acute.code_points[0] == U'e');
  CHECK(e_acute.code_points[1] == U'\u0301');
  CHECK(nfd(U'한').size == 3);                        // Hangul syllable -> 3 conjoining jamo
  CHECK(nfd(U'\uF900').code_points[0] == U'\u8C48');  // compatibility ideograph -> unified
  CHECK(nfd(U'ﬁ').size == 1);  // a compatibility ligature: not canonical, kept
}
