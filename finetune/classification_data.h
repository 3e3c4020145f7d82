// Text-classification data from a TSV or CSV file (GLUE style): a text, an optional second
// text, and a label per row.
//
//   auto train = read_classification_file("glue-sst2/train.tsv", {.text = "sentence", .label = "label"});
//   train.texts[0] == "hide new secretions from the parental units ",  train.labels[0] == 0,
//   train.label_names == {"0", "1"}   // config.json's id2label
// Columns are named (then the first line is the header) or given by 0-based index ("3");
// CoLA's train.tsv has no header: {.text = "3", .label = "1"}. A .csv file is comma-separated
// with "double-quoted" fields; anything else is tab-separated with no quoting (as GLUE's TSVs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bertlab::finetune {

struct ClassificationColumns {
  std::string text = "sentence";
  std::string text_pair;  // empty: single sentences
  std::string label = "label";
  std::optional<bool> has_header;  // unset: true when any column is given by name
};

struct ClassificationDataset {
  std::vector<std::string> texts, text_pairs;  // text_pairs empty for single sentences
  std::vector<int64_t> labels;                 // indices into label_names
  std::vector<std::string> label_names;
  std::vector<std::string> warnings;           // suspicious rows (e.g. a label seen once): worth a look

  size_t size() const { return texts.size(); }
};

// label_names: use these (e.g. the training set's) and reject other labels; empty: the sorted
// distinct labels of this file (numerically when they are all integers), and a label that occurs
// only once in 100 rows or more is reported in `warnings` (a typo such as "1 " would otherwise
// add a class). Invalid UTF-8 is an error naming the file and line.
ClassificationDataset read_classification_file(const std::filesystem::path& path, const ClassificationColumns& columns,
                                               const std::vector<std::string>& label_names = {});

// accuracy, and for two labels also f1 of label 1 (as GLUE's MRPC), both in [0, 1].
std::vector<std::pair<std::string, double>> classification_metrics(const std::vector<int64_t>& predictions,
                                                                   const std::vector<int64_t>& labels,
                                                                   int64_t num_labels);

}  // namespace bertlab::finetune
