// The Unicode facts the tokenizer needs, and the only file that names utf8proc.
//
// BERT's normalization is defined per code point, so text is first decoded from UTF-8 into
// code points (char32_t). Then, for each code point, Python's `unicodedata` questions:
//   category(U'é') == "Ll"      lowercase(U'É') == U'é'      nfd(U'é') == {U'e', U'\u0301'}
//   category(U'\u0301') == "Mn" (a combining mark, which accent stripping deletes)
// decode_utf8("caf\xc3\xa9") == U"café" (4 code points); invalid bytes throw a TokenizerError
// that names the byte offset.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace bertlab::tokenizer {

// The code points of a UTF-8 string. Throws TokenizerError at the first invalid sequence
// (bad byte, truncated sequence, overlong form, surrogate, > U+10FFFF), naming its byte offset.
std::u32string decode_utf8(std::string_view text);

// Appends the UTF-8 encoding of one code point.
void append_utf8(std::string& out, char32_t c);

// The UTF-8 encoding of a code-point string.
std::string encode_utf8(std::u32string_view text);

// Simple (one-to-one, context-free) lowercase mapping, as Python's str.lower() per character
// except that no context rule applies: U'Σ' -> U'σ' always.
char32_t lowercase(char32_t c);

// The two-letter General_Category, as Python's unicodedata.category(): "Lu", "Mn", "Po", "Cn"...
std::string_view category(char32_t c);

// The full canonical decomposition (NFD) of one code point: U'é' -> e + U+0301,
// U'한' -> three conjoining jamo. Most code points decompose to themselves (size 1).
struct Decomposition {
  std::array<char32_t, 4> code_points;  // the longest canonical decomposition has 4
  int size;
};
Decomposition nfd(char32_t c);

// Canonical composition (NFC), as Python's unicodedata.normalize("NFC", ...):
// nfc(U"e\u0301cole") == U"\u00e9cole", and the conjoining jamo of 한 compose to U+D55C.
std::u32string nfc(std::u32string_view text);

// The Canonical_Combining_Class: 0 for a starter (letters, U+D55C...), 230 for U+0301...
int combining_class(char32_t c);

}  // namespace bertlab::tokenizer
