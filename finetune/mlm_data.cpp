#include "finetune/mlm_data.h"  // defines: read_text_lines, split_validation, group_texts, mlm_examples

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include "tensor/error.h"      // defines: BERT_CHECK, Error
#include "tokenizer/error.h"   // defines: TokenizerError
#include "tokenizer/unicode.h" // defines: decode_utf8

namespace bertlab::finetune {

namespace fs = std::filesystem;

std::vector<std::string> read_text_lines(const std::vector<fs::path>& files) {
  std::vector<std::string> lines;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    BERT_CHECK(in.good(), "read_text_lines: cannot open {}", file.string());
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      try {
        tokenizer::decode_utf8(line);  // the tokenizer would fail later, without the file's name
      } catch (const tokenizer::TokenizerError& e) {
        throw Error(fmt::format("read_text_lines: {} line {}: not UTF-8: {}", file.string(), number, e.what()));
      }
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

TextSplits split_validation(const std::vector<std::string>& lines, int64_t percentage) {
  BERT_CHECK(percentage >= 0 && percentage < 100, "split_validation: percentage: expected 0 <= p < 100, got {}",
             percentage);
  // datasets' "train[:5%]": round(5 * n / 100), Python's round (halves to even, as std::nearbyint).
  const auto n_validation = static_cast<size_t>(
      std::nearbyint(static_cast<double>(percentage) * static_cast<double>(lines.size()) / 100.0));
  TextSplits splits;
  splits.validation.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n_validation));
  splits.train.assign(lines.begin() + static_cast<std::ptrdiff_t>(n_validation), lines.end());
  return splits;
}

std::vector<std::vector<int64_t>> group_texts(const std::vector<std::vector<int64_t>>& tokenized_lines,
                                              int64_t block_size) {
  BERT_CHECK(block_size > 0, "group_texts: block_size: expected > 0, got {}", block_size);
  std::vector<std::vector<int64_t>> blocks;
  const auto n = static_cast<int64_t>(tokenized_lines.size());
  for (int64_t begin = 0; begin < n; begin += kGroupTextsBatchLines) {
    // concatenated_examples = {k: list(chain(*examples[k])) ...} over one map batch
    std::vector<int64_t> concatenated;
    for (int64_t i = begin; i < std::min(n, begin + kGroupTextsBatchLines); ++i)
      concatenated.insert(concatenated.end(), tokenized_lines[i].begin(), tokenized_lines[i].end());
    // total_length = (total_length // max_seq_length) * max_seq_length: the tail is dropped
    const auto total = static_cast<int64_t>(concatenated.size()) / block_size * block_size;
    for (int64_t start = 0; start < total; start += block_size)
      blocks.emplace_back(concatenated.begin() + start, concatenated.begin() + start + block_size);
  }
  return blocks;
}

std::vector<std::vector<int64_t>> mlm_examples(const std::vector<std::string>& lines,
                                               const tokenizer::BertTokenizer& tok, int64_t max_seq_length,
                                               bool line_by_line) {
  BERT_CHECK(max_seq_length >= 2, "mlm_examples: max_seq_length: expected >= 2 ([CLS] and [SEP]), got {}",
             max_seq_length);
  std::vector<std::vector<int64_t>> tokenized;
  tokenizer::EncodeOptions options;
  if (line_by_line) {  // tokenizer(lines, truncation=True, max_length=max_seq_length)
    options.truncation = true;
    options.max_length = max_seq_length;
  }
  for (const std::string& line : lines) {
    // run_mlm's line-by-line mode drops empty and whitespace-only lines; the block mode keeps
    // them, each as the two tokens [CLS] [SEP].
    if (line_by_line && std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }))
      continue;
    tokenized.push_back(tok(line, options).input_ids);
  }
  return line_by_line ? tokenized : group_texts(tokenized, max_seq_length);
}

}  // namespace bertlab::finetune
