// Tokenizer calls written as JSON: parse a case, run it, write the result.
#include "tokenizer/json_calls.h"  // defines: encode_options_from_json, run_json_case

#include <fmt/format.h>

#include "json/parse.h"       // defines: parse_json, json_excerpt
#include "tokenizer/error.h"  // defines: TokenizerError

namespace bertlab::tokenizer {

using nlohmann::json;

namespace {

// Upper bounds for one case, so that a hostile line gets an error instead of taking all memory
// (padding one row to 10^8 tokens needed 7.8 GB). A case pads to at most a million tokens in all:
// 2,000 times BERT's 512 positions, more than any encoder reads, and still only ~50 MB of output.
constexpr int64_t kMaxPaddedTokens = 1'000'000;

// Throws a TokenizerError about key `key` unless `ok`.
void expect(bool ok, std::string_view key, std::string_view expected, const json& got) {
  if (ok) return;
  throw TokenizerError(
      fmt::format("json case: bad \"{}\": expected {}, got {}. Hint: see "
                  "docs/tokenizer.md for the case format",
                  key, expected, json_excerpt(got)));
}

// The argument `key` of `object`; absent or null means "not passed", as in Python: `fallback`.
json argument(const json& object, const char* key, json fallback = json()) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? fallback : *it;
}

bool is_string_list(const json& value) {
  if (!value.is_array() || value.empty()) return false;
  return std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
}

// One encoding as six parallel arrays, the tokens spelled out.
json encoding_to_json(const BertTokenizer& tokenizer, const Encoding& encoding) {
  json offsets = json::array();
  for (const auto& [start, end] : encoding.offset_mapping) offsets.push_back({start, end});
  return {{"input_ids", encoding.input_ids},
          {"token_type_ids", encoding.token_type_ids},
          {"attention_mask", encoding.attention_mask},
          {"tokens", tokenizer.convert_ids_to_tokens(encoding.input_ids)},
          {"offset_mapping", offsets},
          {"special_tokens_mask", encoding.special_tokens_mask}};
}

// A batch: each of the six keys holds one array per row.
json batch_to_json(const BertTokenizer& tokenizer, const BatchEncoding& batch) {
  json out = json::object();
  for (const Encoding& row : batch.rows) {
    const json row_json = encoding_to_json(tokenizer, row);
    for (const auto& [key, value] : row_json.items()) out[key].push_back(value);
  }
  return out;
}

json run_encode(const BertTokenizer& tokenizer, const json& call) {
  expect(call.is_object(), "call", "an object", call);
  const json text = argument(call, "text");
  const json pair = argument(call, "text_pair");
  const EncodeOptions options = encode_options_from_json(call);
  if (text.is_string()) {
    expect(pair.is_null() || pair.is_string(), "text_pair", "a string with a string text", pair);
    if (pair.is_null())
      return encoding_to_json(tokenizer, tokenizer(text.get<std::string>(), options));
    return encoding_to_json(tokenizer,
                            tokenizer(text.get<std::string>(), pair.get<std::string>(), options));
  }
  expect(is_string_list(text), "text", "a string or a non-empty array of strings", text);
  const auto texts = text.get<std::vector<std::string>>();
  const bool pads_to_max_length =
      std::holds_alternative<Padding>(options.padding) && std::get<Padding>(options.padding) == Padding::max_length;
  if (pads_to_max_length && options.max_length) {
    const auto rows = static_cast<int64_t>(texts.size());
    expect(rows * *options.max_length <= kMaxPaddedTokens, "max_length",
           fmt::format("at most {} padded tokens per case", kMaxPaddedTokens),
           fmt::format("{} rows of {}", rows, *options.max_length));
  }
  if (pair.is_null()) return batch_to_json(tokenizer, tokenizer(texts, options));
  expect(is_string_list(pair) && pair.size() == texts.size(), "text_pair",
         fmt::format("an array of {} strings, as many as texts", texts.size()), pair);
  return batch_to_json(tokenizer, tokenizer(texts, pair.get<std::vector<std::string>>(), options));
}

json run_decode(const BertTokenizer& tokenizer, const json& decode) {
  expect(decode.is_object(), "decode", "an object", decode);
  const json ids = argument(decode, "ids");
  const bool ids_ok = ids.is_array() && std::all_of(ids.begin(), ids.end(), [](const json& v) {
                        return v.is_number_integer();
                      });
  expect(ids_ok, "ids", "an array of integers", ids);
  const json skip = argument(decode, "skip_special_tokens", json(false));
  expect(skip.is_boolean(), "skip_special_tokens", "true or false", skip);
  return tokenizer.decode(ids.get<std::vector<int64_t>>(), skip.get<bool>());
}

}  // namespace

EncodeOptions encode_options_from_json(const json& call) {
  EncodeOptions options;
  const json special = argument(call, "add_special_tokens", json(true));
  expect(special.is_boolean(), "add_special_tokens", "true or false", special);
  options.add_special_tokens = special.get<bool>();

  const json padding = argument(call, "padding", json(false));
  expect(padding.is_boolean() || padding.is_string(), "padding", "a bool or a strategy name",
         padding);
  if (padding.is_boolean())
    options.padding = padding.get<bool>();
  else
    options.padding = padding_from_string(padding.get<std::string>());

  const json truncation = argument(call, "truncation");  // null = not passed
  expect(truncation.is_null() || truncation.is_boolean() || truncation.is_string(), "truncation",
         "null, a bool or a strategy name", truncation);
  if (truncation.is_boolean()) options.truncation = truncation.get<bool>();
  if (truncation.is_string())
    options.truncation = truncation_from_string(truncation.get<std::string>());

  const json max_length = argument(call, "max_length");
  expect(max_length.is_null() || (max_length.is_number_integer() && max_length.get<int64_t>() >= 0 &&
                                   max_length.get<int64_t>() <= kMaxPaddedTokens),
         "max_length", fmt::format("null or an integer in [0, {}]", kMaxPaddedTokens), max_length);
  if (!max_length.is_null()) options.max_length = max_length.get<int64_t>();
  return options;
}

json parse_json_case(const std::string& line) {
  // parse_json, not json::parse: its errors are TokenizerErrors, and it refuses deep nesting.
  return parse_json<TokenizerError>(line, "json case");
}

json run_json_case(const BertTokenizer& tokenizer, const json& test_case) {
  expect(test_case.is_object(), "case", "a JSON object", test_case);
  if (test_case.contains("call")) return run_encode(tokenizer, test_case["call"]);
  if (test_case.contains("decode")) return run_decode(tokenizer, test_case["decode"]);
  throw TokenizerError(
      "json case: nothing to run: expected a \"call\" or a \"decode\" key, got neither. Hint: "
      "see docs/tokenizer.md for the case format");
}

}  // namespace bertlab::tokenizer
