// Thin wrappers over utf8proc (https://juliastrings.github.io/utf8proc/doc/): each function
// answers one question about one code point, so the tokenizer reads like its Python original.
#include "tokenizer/unicode.h"  // defines: decode_utf8, append_utf8, lowercase, category, nfd, nfc, combining_class

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>

#include "tokenizer/error.h"  // defines: TokenizerError

namespace bertlab::tokenizer {

// ---------------------------------------------------------------------------------------------
// UTF-8 <-> code points
// ---------------------------------------------------------------------------------------------

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());  // never more code points than bytes
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  for (utf8proc_ssize_t i = 0; i < size;) {
    if (bytes[i] < 0x80) {  // ASCII: one byte is one code point, the common case
      out.push_back(bytes[i++]);
      continue;
    }
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t length = utf8proc_iterate(bytes + i, size - i, &c);
    if (length < 0) {
      throw TokenizerError(fmt::format(
          "decode_utf8: invalid UTF-8: expected a valid UTF-8 sequence, got byte 0x{:02x} at "
          "byte offset {}. Hint: the text must be UTF-8; convert it first (e.g. iconv -t UTF-8)",
          bytes[i], i));
    }
    out.push_back(static_cast<char32_t>(c));
    i += length;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) return out.push_back(static_cast<char>(c));  // ASCII: the byte itself
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(length));
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-code-point properties
// ---------------------------------------------------------------------------------------------

char32_t lowercase(char32_t c) {
  if (c < 0x80) return c >= U'A' && c <= U'Z' ? c + 32 : c;  // ASCII, the common case
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

std::string_view category(char32_t c) {
  return utf8proc_category_string(static_cast<utf8proc_int32_t>(c));
}

Decomposition nfd(char32_t c) {
  utf8proc_int32_t buffer[4];
  int last_boundclass = 0;  // utf8proc's state for grapheme breaks; unused here
  const utf8proc_ssize_t size = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buffer, 4,
                                                        UTF8PROC_DECOMPOSE, &last_boundclass);
  Decomposition out{{c, 0, 0, 0}, 1};
  if (size < 1 || size > 4) return out;  // cannot happen for a valid code point: keep c
  out.size = static_cast<int>(size);
  for (int k = 0; k < out.size; ++k) out.code_points[k] = static_cast<char32_t>(buffer[k]);
  return out;
}

std::u32string nfc(std::u32string_view text) {
  const std::string utf8 = encode_utf8(text);
  utf8proc_uint8_t* composed = nullptr;
  const utf8proc_ssize_t size =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &composed,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (size < 0) return std::u32string(text);  // cannot happen for valid code points: keep text
  std::u32string out = decode_utf8(std::string_view(reinterpret_cast<const char*>(composed),
                                                    static_cast<size_t>(size)));
  std::free(composed);
  return out;
}

int combining_class(char32_t c) {
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class;
}

}  // namespace bertlab::tokenizer
