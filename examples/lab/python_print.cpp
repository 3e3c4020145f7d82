// Python's and torch's printing (see python_print.h).
#include "examples/lab/python_print.h"  // defines: python_repr, torch_size, torch_repr

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "tensor/error.h"  // defines: BERT_CHECK

namespace bertlab::lab {

std::string python_repr(const std::string& text) {
  const bool double_quotes =
      text.find('\'') != std::string::npos && text.find('"') == std::string::npos;
  const char quote = double_quotes ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == '\\' || c == quote) out += '\\';
    out += c;
  }
  out += quote;
  return out;
}

std::string python_repr(const std::vector<std::string>& texts) {
  std::vector<std::string> quoted;
  for (const std::string& text : texts) quoted.push_back(python_repr(text));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

std::string torch_size(const Shape& shape) { return fmt::format("torch.Size({})", shape); }

std::string torch_repr(const tokenizer::Encoding& encoding) {
  std::vector<std::string> items;
  for (const char* key : {"input_ids", "token_type_ids", "attention_mask"})
    items.push_back(fmt::format("'{}': {}", key, torch_repr(encoding[key])));
  return fmt::format("{{{}}}", fmt::join(items, ", "));
}

// torch's repr of a [1, S] int64 tensor. "tensor([[" puts the numbers at column 9 (torch's
// indent 8 + the bracket); each takes width + 2 columns (", "), within torch's linewidth 80.
std::string torch_repr(const std::vector<int64_t>& row) {
  size_t width = 1;
  for (int64_t v : row) width = std::max(width, fmt::format("{}", v).size());
  const size_t per_line = std::max<size_t>(1, (80 - 8) / (width + 2));
  std::vector<std::string> lines;
  for (size_t i = 0; i < row.size(); i += per_line) {
    std::vector<std::string> items;
    for (size_t j = i; j < std::min(row.size(), i + per_line); ++j)
      items.push_back(fmt::format("{:>{}}", row[j], width));
    lines.push_back(fmt::format("{}", fmt::join(items, ", ")));
  }
  return fmt::format("tensor([[{}]])", fmt::join(lines, ",\n         "));
}

// torch's _Formatter for one float: the fixed format unless the value is tiny or huge, and
// whole numbers without decimals (torch/_tensor_str.py, precision 4).
std::string torch_repr(const Tensor& scalar) {
  BERT_CHECK(scalar.dim() == 0, "torch_repr: expected a 0-dim tensor, got {}", scalar.shape());
  const float value = scalar.item();
  const double magnitude = std::fabs(static_cast<double>(value));  // torch compares in double
  if (!std::isfinite(value)) return fmt::format("tensor({})", value);  // inf, -inf, nan
  if (value == std::ceil(value)) {
    if (magnitude > 1e8) return fmt::format("tensor({:.4e})", value);
    return fmt::format("tensor({:.0f}.)", value);  // 0 -> "tensor(0.)"
  }
  if (magnitude < 1e-4 || magnitude > 1e8) return fmt::format("tensor({:.4e})", value);
  return fmt::format("tensor({:.4f})", value);
}

}  // namespace bertlab::lab
