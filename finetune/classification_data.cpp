#include "finetune/classification_data.h"  // defines: read_classification_file, classification_metrics

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "tensor/error.h"      // defines: BERT_CHECK
#include "tokenizer/unicode.h"  // defines: decode_utf8

namespace bertlab::finetune {

namespace fs = std::filesystem;

namespace {

bool is_index(const std::string& column) {
  return !column.empty() && std::all_of(column.begin(), column.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One line into fields. CSV: "a ""quoted"", field",b  ->  {a "quoted", field | b}.
std::vector<std::string> split_fields(const std::string& line, bool csv) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (csv && c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (!quoted && c == (csv ? ',' : '\t')) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// The field index of a column: its number, or its position in the header.
size_t column_index(const std::string& column, const std::vector<std::string>& header, const fs::path& path) {
  if (is_index(column)) return std::stoul(column);
  const auto it = std::find(header.begin(), header.end(), column);
  BERT_CHECK(it != header.end(), "read_classification_file: {}: no column \"{}\" in the header [{}]. Hint: name a "
             "header column or give a 0-based index", path.string(), column, fmt::join(header, ", "));
  return static_cast<size_t>(it - header.begin());
}

// Digit strings by their value, however long ("2" < "10" < "99999999999999999999"): without
// leading zeros, a shorter number is smaller, and equal lengths compare digit by digit. (stoll
// threw std::out_of_range past 19 digits.) Ties such as "1" and "01" fall back to the text.
bool less_by_value(const std::string& a, const std::string& b) {
  const auto digits = [](const std::string& s) {
    return std::string_view(s).substr(std::min(s.find_first_not_of('0'), s.size()));
  };
  const std::string_view x = digits(a), y = digits(b);
  return std::tuple(x.size(), x, std::string_view(a)) < std::tuple(y.size(), y, std::string_view(b));
}

// Sorted distinct labels; by value when all are integers ("2" before "10").
std::vector<std::string> sorted_labels(const std::vector<std::string>& raw) {
  const std::set<std::string> unique(raw.begin(), raw.end());
  std::vector<std::string> names(unique.begin(), unique.end());
  const bool numeric = std::all_of(names.begin(), names.end(), [](const std::string& s) { return is_index(s); });
  if (numeric) std::sort(names.begin(), names.end(), less_by_value);
  return names;
}

// A label seen once among many rows is more often a typo than a class: say where it is.
std::vector<std::string> rare_label_warnings(const std::vector<std::string>& raw, const std::vector<size_t>& lines,
                                             const fs::path& path) {
  constexpr size_t kMinRows = 100;
  std::map<std::string, size_t> count;
  for (const std::string& label : raw) ++count[label];
  std::vector<std::string> warnings;
  if (raw.size() < kMinRows || count.size() < 2) return warnings;
  for (size_t i = 0; i < raw.size(); ++i)
    if (count[raw[i]] == 1)
      warnings.push_back(fmt::format("{} line {}: label \"{}\" occurs once in {} rows: a typo? It becomes a class "
                                     "of its own", path.string(), lines[i], raw[i], raw.size()));
  return warnings;
}

}  // namespace

ClassificationDataset read_classification_file(const fs::path& path, const ClassificationColumns& columns,
                                               const std::vector<std::string>& label_names) {
  std::ifstream in(path, std::ios::binary);
  BERT_CHECK(in.good(), "read_classification_file: cannot open {}. Hint: check the path", path.string());
  const bool csv = path.extension() == ".csv";
  const bool header = columns.has_header.value_or(!is_index(columns.text) || !is_index(columns.label) ||
                                                  (!columns.text_pair.empty() && !is_index(columns.text_pair)));
  std::vector<std::string> header_fields, raw_labels;
  std::vector<size_t> label_lines;  // the line each label came from, for messages
  ClassificationDataset out;
  size_t text = 0, pair = 0, label = 0, line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM (MRPC)
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    try {
      tokenizer::decode_utf8(line);  // here the line number is known; in the tokenizer, much later, it is not
    } catch (const std::exception& e) {
      throw Error(fmt::format("read_classification_file: {} line {}: {}", path.string(), line_number, e.what()));
    }
    const std::vector<std::string> fields = split_fields(line, csv);
    if (header && header_fields.empty()) {
      header_fields = fields;
      continue;
    }
    if (raw_labels.empty()) {  // first data row: resolve the columns
      text = column_index(columns.text, header_fields, path);
      label = column_index(columns.label, header_fields, path);
      if (!columns.text_pair.empty()) pair = column_index(columns.text_pair, header_fields, path);
    }
    const size_t needed = std::max({text, label, columns.text_pair.empty() ? 0 : pair}) + 1;
    BERT_CHECK(fields.size() >= needed, "read_classification_file: {} line {}: expected at least {} fields, got {}. "
               "Hint: is the separator right (.csv: comma, else tab)?", path.string(), line_number, needed, fields.size());
    out.texts.push_back(fields[text]);
    if (!columns.text_pair.empty()) out.text_pairs.push_back(fields[pair]);
    raw_labels.push_back(fields[label]);
    label_lines.push_back(line_number);
  }
  BERT_CHECK(!raw_labels.empty(), "read_classification_file: {}: no data rows", path.string());
  out.label_names = label_names.empty() ? sorted_labels(raw_labels) : label_names;
  if (label_names.empty()) out.warnings = rare_label_warnings(raw_labels, label_lines, path);
  for (const std::string& raw : raw_labels) {
    const auto it = std::find(out.label_names.begin(), out.label_names.end(), raw);
    BERT_CHECK(it != out.label_names.end(), "read_classification_file: {}: label \"{}\" is not one of [{}]. Hint: "
               "evaluation labels must appear in the training data", path.string(), raw, fmt::join(out.label_names, ", "));
    out.labels.push_back(it - out.label_names.begin());
  }
  return out;
}

std::vector<std::pair<std::string, double>> classification_metrics(const std::vector<int64_t>& predictions,
                                                                   const std::vector<int64_t>& labels,
                                                                   int64_t num_labels) {
  BERT_CHECK(predictions.size() == labels.size() && !labels.empty(),
             "classification_metrics: expected as many predictions as labels (> 0), got {} and {}",
             predictions.size(), labels.size());
  int64_t correct = 0, tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    correct += predictions[i] == labels[i];
    tp += predictions[i] == 1 && labels[i] == 1;
    fp += predictions[i] == 1 && labels[i] != 1;
    fn += predictions[i] != 1 && labels[i] == 1;
  }
  std::vector<std::pair<std::string, double>> out = {
      {"accuracy", static_cast<double>(correct) / static_cast<double>(labels.size())}};
  if (num_labels == 2) out.emplace_back("f1", tp == 0 ? 0.0 : 2.0 * tp / static_cast<double>(2 * tp + fp + fn));
  return out;
}

}  // namespace bertlab::finetune
