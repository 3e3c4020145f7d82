#include "finetune/token_classification_data.h"  // defines: read_conll_file, encode_token_classification

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tensor/error.h"       // defines: BERT_CHECK
#include "tokenizer/unicode.h"  // defines: decode_utf8

namespace bertlab::finetune {

TokenClassificationDataset read_conll_file(const std::filesystem::path& path,
                                           const std::vector<std::string>& label_names) {
  std::ifstream file(path, std::ios::binary);
  BERT_CHECK(file.good(), "read_conll_file: cannot open {}", path.string());
  // Per sentence: its words, their tags as written, and each tag's line (for errors). The last
  // sentence is the one being read; a blank line starts the next.
  std::vector<std::vector<std::string>> words(1), tag_names(1);
  std::vector<std::vector<int64_t>> tag_lines(1);
  auto next_sentence = [&] {
    words.emplace_back();
    tag_names.emplace_back();
    tag_lines.emplace_back();
  };
  int64_t line_number = 0;
  for (std::string line; std::getline(file, line);) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a file written on Windows
    const std::string where = fmt::format("{}:{}", path.string(), line_number);
    try {
      tokenizer::decode_utf8(line);
    } catch (const std::exception& e) {
      throw Error(fmt::format("read_conll_file: {}: {}", where, e.what()));
    }
    std::istringstream fields_stream(line);
    std::vector<std::string> fields;
    for (std::string f; fields_stream >> f;) fields.push_back(f);
    if (fields.empty() || fields[0] == "-DOCSTART-") {  // a sentence (or document) ends here
      if (!words.back().empty()) next_sentence();
      continue;
    }
    BERT_CHECK(fields.size() >= 2, "read_conll_file: {}: expected \"word tag\" (two or more fields separated by "
               "spaces or tabs, the tag last), got \"{}\"", where, line);
    words.back().push_back(fields.front());
    tag_names.back().push_back(fields.back());
    tag_lines.back().push_back(line_number);
  }
  if (words.back().empty()) {  // the file ended with a blank line
    words.pop_back();
    tag_names.pop_back();
    tag_lines.pop_back();
  }
  BERT_CHECK(!words.empty(), "read_conll_file: {}: no sentences (expected lines \"word tag\", a blank line between "
             "sentences)", path.string());

  TokenClassificationDataset data;
  data.words = std::move(words);
  data.label_names = label_names;
  if (data.label_names.empty()) {
    std::set<std::string> distinct;
    for (const auto& sentence : tag_names) distinct.insert(sentence.begin(), sentence.end());
    data.label_names.assign(distinct.begin(), distinct.end());  // sorted, as run_ner.py's get_label_list
  }
  std::map<std::string, int64_t> index;
  for (size_t i = 0; i < data.label_names.size(); ++i) index.emplace(data.label_names[i], i);
  for (size_t s = 0; s < tag_names.size(); ++s) {
    data.tags.emplace_back();
    for (size_t w = 0; w < tag_names[s].size(); ++w) {
      const auto it = index.find(tag_names[s][w]);
      BERT_CHECK(it != index.end(), "read_conll_file: {}:{}: tag \"{}\" is not one of the training tags [{}]",
                 path.string(), tag_lines[s][w], tag_names[s][w], fmt::join(data.label_names, ", "));
      data.tags.back().push_back(it->second);
    }
  }
  return data;
}

TokenClassificationBatch encode_token_classification(const tokenizer::BertTokenizer& tok,
                                                     const TokenClassificationDataset& data,
                                                     const std::vector<int64_t>& rows, int64_t max_length) {
  BERT_CHECK(max_length >= 3, "encode_token_classification: max_length {} leaves no room for a word between [CLS] "
             "and [SEP]", max_length);
  constexpr int64_t kIgnore = -100;  // cross_entropy's ignore_index
  std::vector<std::vector<int64_t>> ids, labels;
  TokenClassificationBatch batch;
  for (int64_t r : rows) {
    std::vector<int64_t> row_ids{tok.cls_token_id()}, row_labels{kIgnore}, starts;
    for (size_t w = 0; w < data.words[r].size(); ++w) {
      // Each word on its own, as HF's tokenizer(words, is_split_into_words=True) does.
      const std::vector<int64_t> pieces = tok.convert_tokens_to_ids(tok.tokenize(data.words[r][w]));
      const bool fits = !pieces.empty() && static_cast<int64_t>(row_ids.size()) < max_length - 1;
      starts.push_back(fits ? static_cast<int64_t>(row_ids.size()) : -1);
      for (size_t p = 0; p < pieces.size() && static_cast<int64_t>(row_ids.size()) < max_length - 1; ++p) {
        row_ids.push_back(pieces[p]);
        row_labels.push_back(p == 0 ? data.tags[r][w] : kIgnore);  // the first piece carries the word's tag
      }
    }
    row_ids.push_back(tok.sep_token_id());
    row_labels.push_back(kIgnore);
    ids.push_back(std::move(row_ids));
    labels.push_back(std::move(row_labels));
    batch.word_starts.push_back(std::move(starts));
  }
  size_t S = 0;
  for (const auto& r : ids) S = std::max(S, r.size());
  std::vector<int64_t> flat_ids, flat_mask, flat_labels;
  for (size_t b = 0; b < ids.size(); ++b) {
    for (size_t s = 0; s < S; ++s) {
      const bool real = s < ids[b].size();
      flat_ids.push_back(real ? ids[b][s] : tok.pad_token_id());
      flat_mask.push_back(real ? 1 : 0);
      flat_labels.push_back(real ? labels[b][s] : kIgnore);
      batch.num_tokens += real ? 1 : 0;
    }
  }
  const Shape shape{static_cast<int64_t>(ids.size()), static_cast<int64_t>(S)};
  batch.input_ids = IntTensor(flat_ids, shape);
  batch.attention_mask = IntTensor(flat_mask, shape);
  batch.token_type_ids = IntTensor(std::vector<int64_t>(flat_ids.size(), 0), shape);
  batch.labels = IntTensor(flat_labels, shape);
  return batch;
}

}  // namespace bertlab::finetune
