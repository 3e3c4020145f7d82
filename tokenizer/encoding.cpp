// Encoding: key access, [B, S] matrices, and Python-style printing.
#include "tokenizer/encoding.h"  // defines: Encoding, BatchEncoding, IdMatrix, EncodeOptions

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join over vectors

#include "tokenizer/error.h"  // defines: TokenizerError

namespace bertlab::tokenizer {

// ---------------------------------------------------------------------------------------------
// Option spellings
// ---------------------------------------------------------------------------------------------

Padding padding_from_string(std::string_view name) {
  if (name == "longest") return Padding::longest;
  if (name == "max_length") return Padding::max_length;
  if (name == "do_not_pad") return Padding::do_not_pad;
  throw TokenizerError(
      fmt::format("padding: unknown strategy: expected true, false, \"longest\", \"max_length\" or "
                  "\"do_not_pad\", got \"{}\". Hint: HF spells them exactly so",
                  name));
}

Truncation truncation_from_string(std::string_view name) {
  if (name == "longest_first") return Truncation::longest_first;
  if (name == "only_first") return Truncation::only_first;
  if (name == "only_second") return Truncation::only_second;
  if (name == "do_not_truncate") return Truncation::do_not_truncate;
  throw TokenizerError(fmt::format(
      "truncation: unknown strategy: expected true, false, \"longest_first\", \"only_first\", "
      "\"only_second\" or \"do_not_truncate\", got \"{}\". Hint: HF spells them exactly so",
      name));
}

// ---------------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------------

const std::vector<int64_t>& Encoding::operator[](std::string_view key) const {
  if (key == "input_ids") return input_ids;
  if (key == "token_type_ids") return token_type_ids;
  if (key == "attention_mask") return attention_mask;
  if (key == "special_tokens_mask") return special_tokens_mask;
  throw TokenizerError(fmt::format(
      "Encoding: unknown key: expected \"input_ids\", \"token_type_ids\", \"attention_mask\" or "
      "\"special_tokens_mask\", got \"{}\". Hint: offsets are in encoding.offset_mapping",
      key));
}

IdMatrix Encoding::matrix(std::string_view key) const {
  const std::vector<int64_t>& row = (*this)[key];
  return {row, {1, static_cast<int64_t>(row.size())}};
}

IdMatrix BatchEncoding::matrix(std::string_view key) const {
  IdMatrix out{{}, {static_cast<int64_t>(rows.size()), 0}};
  if (!rows.empty()) out.shape[1] = static_cast<int64_t>(rows[0].size());
  for (size_t b = 0; b < rows.size(); ++b) {
    const std::vector<int64_t>& row = rows[b][key];
    if (static_cast<int64_t>(row.size()) != out.shape[1]) {
      throw TokenizerError(fmt::format(
          "BatchEncoding::matrix: rows differ in length: expected every row of {} to have {} "
          "tokens, got {} in row {}. Hint: encode with padding = true",
          key, out.shape[1], row.size(), b));
    }
    out.data.insert(out.data.end(), row.begin(), row.end());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing: {'input_ids': [...], 'token_type_ids': [...], 'attention_mask': [...]}
// ---------------------------------------------------------------------------------------------

namespace {

constexpr const char* kPrintedKeys[] = {"input_ids", "token_type_ids", "attention_mask"};

std::string python_list(const std::vector<int64_t>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Encoding& encoding) {
  std::vector<std::string> items;
  for (const char* key : kPrintedKeys) {
    items.push_back(fmt::format("'{}': {}", key, python_list(encoding[key])));
  }
  return os << fmt::format("{{{}}}", fmt::join(items, ", "));
}

std::ostream& operator<<(std::ostream& os, const BatchEncoding& batch) {
  std::vector<std::string> items;
  for (const char* key : kPrintedKeys) {
    std::vector<std::string> rows;
    for (const Encoding& row : batch.rows) rows.push_back(python_list(row[key]));
    items.push_back(fmt::format("'{}': [{}]", key, fmt::join(rows, ", ")));
  }
  return os << fmt::format("{{{}}}", fmt::join(items, ", "));
}

}  // namespace bertlab::tokenizer
