// Token-classification data (named entities, CoNLL-2003 style) and its alignment to wordpieces.
//
// A file has one word per line, its tag last, and a blank line between sentences:
//     EU NNP B-NP B-ORG           (CoNLL-2003: word, POS, chunk, NER tag; the first and last count)
//     rejects VBZ B-VP O
//
//     Peter B-PER                  (or simply "word tag")
// "-DOCSTART-" lines (document boundaries) are skipped. A line with one field, invalid UTF-8 or
// (for evaluation data) an unknown tag is an error naming file:line.
//
// Alignment, as HF's run_ner.py (label_all_tokens=False): a word cut into several wordpieces is
// labelled on its first piece; the other pieces, [CLS], [SEP] and padding get -100, which the loss
// ignores. "Lovelace" -> love ##lace: tag on "love", -100 on "##lace".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tensor/tensor.h"              // defines: IntTensor
#include "tokenizer/bert_tokenizer.h"   // defines: BertTokenizer

namespace bertlab::finetune {

struct TokenClassificationDataset {
  std::vector<std::vector<std::string>> words;  // one list per sentence
  std::vector<std::vector<int64_t>> tags;       // indices into label_names, one per word
  std::vector<std::string> label_names;         // config.json's id2label

  size_t size() const { return words.size(); }
};

// label_names: use these (the training set's) and reject any other tag; empty: the file's distinct
// tags, sorted (run_ner.py's get_label_list), e.g. B-LOC, B-PER, I-LOC, I-PER, O.
TokenClassificationDataset read_conll_file(const std::filesystem::path& path,
                                           const std::vector<std::string>& label_names = {});

// Sentences `rows` as model inputs, each [B, S] padded to the longest and cut to max_length:
// [CLS] wordpieces [SEP], labels aligned to each word's first piece.
struct TokenClassificationBatch {
  IntTensor input_ids, attention_mask, token_type_ids, labels;
  // per row, the position of each word's first piece; -1 for a word cut off by max_length
  std::vector<std::vector<int64_t>> word_starts;
  int64_t num_tokens = 0;  // real (unpadded) tokens
};
TokenClassificationBatch encode_token_classification(const tokenizer::BertTokenizer& tok,
                                                     const TokenClassificationDataset& data,
                                                     const std::vector<int64_t>& rows, int64_t max_length);

}  // namespace bertlab::finetune
