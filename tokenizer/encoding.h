// Encoding: what tokenizer(text) returns, the model's inputs for one text (or a pair).
//
//   tokenizer("This is a test sentence") prints, as in the lab,
//   {'input_ids': [101, 2023, 2003, 1037, 3231, 6251, 102], 'token_type_ids': [0, 0, 0, 0, 0,
//    0, 0], 'attention_mask': [1, 1, 1, 1, 1, 1, 1]}
// A batch of texts gives a BatchEncoding, one Encoding per row. matrix("input_ids") hands the
// model a row-major [B, S] int64 buffer with its shape (the tensor library wraps it).
// EncodeOptions mirrors the keyword arguments of HF's tokenizer(...) call.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bertlab::tokenizer {

// ---------------------------------------------------------------------------------------------
// Options: HF's padding=..., truncation=..., max_length=...
// ---------------------------------------------------------------------------------------------

enum class Padding { longest, max_length, do_not_pad };
enum class Truncation { longest_first, only_first, only_second, do_not_truncate };

// Each field takes what HF accepts: `opts.padding = true;`, `opts.padding = Padding::max_length;`,
// `opts.truncation = false;`. An unset truncation ("not passed") is not the same as false:
// max_length alone switches truncation on (see BertTokenizer::resolve() in model_inputs.cpp).
// Question-answering windows: with truncation = only_second, return_overflowing_tokens = true
// and a batch call, a long second text (the context) is cut into windows that each keep the whole
// question and overlap by `stride` tokens, one row per window, as HF's fast tokenizer does:
//   max_length 10, question 2 tokens -> 5 context tokens per window; stride 2 -> windows start
//   at context token 0, 3, 6, ... until one reaches the end. overflow_to_sample_mapping[row]
//   tells which input pair the row came from.
struct EncodeOptions {
  bool add_special_tokens = true;
  std::variant<bool, Padding> padding = false;
  std::optional<std::variant<bool, Truncation>> truncation;  // nullopt = not passed
  std::optional<int64_t> max_length;                         // counts the special tokens
  int64_t stride = 0;                     // overlap between consecutive windows, in tokens
  bool return_overflowing_tokens = false; // batch calls only: one row per window
};

// Parses HF's string spellings ("max_length", "only_second"...); throws TokenizerError.
Padding padding_from_string(std::string_view name);
Truncation truncation_from_string(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Encoding and BatchEncoding
// ---------------------------------------------------------------------------------------------

// A row-major int64 matrix, e.g. input_ids of a batch: data.size() == shape[0] * shape[1].
struct IdMatrix {
  std::vector<int64_t> data;
  std::vector<int64_t> shape;  // [B, S]
};

struct Encoding {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> token_type_ids;                      // 0 = first segment, 1 = second
  std::vector<int64_t> attention_mask;                      // 1 = real token, 0 = padding
  std::vector<int64_t> special_tokens_mask;                 // 1 = added [CLS]/[SEP] or padding
  std::vector<std::pair<int64_t, int64_t>> offset_mapping;  // [start, end) in code points

  size_t size() const { return input_ids.size(); }
  // encoding["input_ids"], as in Python; also "token_type_ids", "attention_mask",
  // "special_tokens_mask". Throws TokenizerError for another key.
  const std::vector<int64_t>& operator[](std::string_view key) const;
  // The same row as a [1, S] matrix (HF's return_tensors="pt").
  IdMatrix matrix(std::string_view key) const;
};

struct BatchEncoding {
  std::vector<Encoding> rows;
  std::vector<int64_t> overflow_to_sample_mapping;  // row -> input index (with overflowing windows)

  size_t size() const { return rows.size(); }
  const Encoding& operator[](size_t row) const { return rows.at(row); }
  // A [B, S] matrix; throws TokenizerError if rows differ in length (pass padding = true).
  IdMatrix matrix(std::string_view key) const;
};

// Python's print(encoding): the three model inputs, as the lab shows them.
std::ostream& operator<<(std::ostream& os, const Encoding& encoding);
std::ostream& operator<<(std::ostream& os, const BatchEncoding& batch);

}  // namespace bertlab::tokenizer
