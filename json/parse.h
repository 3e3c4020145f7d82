// parse_json: the one way bertlab reads JSON text (safetensors headers, config.json,
// tokenizer_config.json, ...), and json_excerpt: how an error message quotes a JSON value.
//
// Why not plain nlohmann::json::parse: nlohmann 3.11 parses without recursion, but copying,
// comparing or dump()ing a value recurses once per nesting level, so a file holding
// "[[[[...]]]]" 100000 deep parses fine and then overflows the stack later, far away (in the
// dump() of an error message, say). No real file nests more than a few levels, so we refuse
// anything deeper than kMaxJsonDepth before parsing. A quick scan of the brackets does it;
// nlohmann's parser callback also reports the depth, but made parsing a 30 MB file 60x slower.
//   parse_json<Error>("{\"a\": [1, 2]}", "x.json")  -> {"a": [1, 2]}
//   parse_json<Error>("[[[...]]]" 257 deep, "x.json")
//     -> throws Error("x.json: not valid JSON: nested deeper than 256 levels ...")
// Header-only and templated on the exception type, so every library can use it and still throw
// its own (bertlab::Error, tokenizer::TokenizerError): the tokenizer depends on no other library.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

namespace bertlab {

inline constexpr int kMaxJsonDepth = 256;  // arrays/objects inside each other

// `text` cut to at most max_bytes (at a UTF-8 character boundary), "..." marking a cut.
//   text_excerpt("abcdef", 5) -> "ab..."
inline std::string text_excerpt(std::string_view text, size_t max_bytes = 80) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // 10xxxxxx: inside a char
  return std::string(text.substr(0, end)) + "...";
}

// A value as JSON text for an error message, cut to ~80 bytes: a bad field may hold megabytes.
inline std::string json_excerpt(const nlohmann::json& value) {
  return text_excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The byte offset where `text` first nests deeper than kMaxJsonDepth, or npos. Brackets inside
// strings do not count; for valid JSON this is the exact depth, and invalid JSON fails the
// parse anyway.
inline size_t json_too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // skip the escaped character: \" does not end the string
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann::json::parse(text), throwing ErrorT("<source>: not valid JSON: <why>") on a syntax
// error, a number too big for a double, or nesting deeper than kMaxJsonDepth.
// JsonT = nlohmann::ordered_json keeps the keys in file order.
template <typename ErrorT, typename JsonT = nlohmann::json>
JsonT parse_json(std::string_view text, std::string_view source) {
  if (const size_t at = json_too_deep_at(text); at != std::string_view::npos) {
    throw ErrorT(fmt::format(
        "{}: not valid JSON: nested deeper than {} levels at byte {}: expected at most {} arrays/objects "
        "inside each other. Hint: no real file nests this deep; is the file corrupted?",
        source, kMaxJsonDepth, at, kMaxJsonDepth));
  }
  try {
    return JsonT::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {  // the same exception types for both JsonT
    // Mostly a parse_error, but a number beyond a double's range (1e400) is an out_of_range.
    // nlohmann quotes the text it last read, which can be a whole long string: cut it.
    throw ErrorT(fmt::format("{}: not valid JSON: {}", source, text_excerpt(e.what(), 200)));
  }
}

// Reads j[key] into out when present (null counts as absent unless required); a missing
// required field or a value of the wrong type is an ErrorT naming the field and quoting the
// start of the value. The one way bertlab reads a field of a JSON file:
//   read_field<Error>(config, "hidden_size", c.hidden_size, "config.json", /*required=*/true);
template <typename ErrorT, typename T>
void read_field(const nlohmann::json& j, const char* key, T& out, std::string_view source, bool required = false) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end() || (it->is_null() && !required)) {
    if (required) throw ErrorT(fmt::format("{}: missing field \"{}\"", source, key));
    return;
  }
  const auto wrong = [&](std::string_view expected) {
    return ErrorT(fmt::format("{}: field \"{}\": expected {}, got {}", source, key, expected, json_excerpt(*it)));
  };
  // nlohmann converts between number kinds silently (2.5 -> 2): an integer field takes integers only.
  if constexpr (std::is_same_v<T, int64_t>) {
    if (!it->is_number_integer()) throw wrong("an integer");
  } else if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number()) throw wrong("a number");
  }
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw wrong("another type");
  }
}

}  // namespace bertlab
