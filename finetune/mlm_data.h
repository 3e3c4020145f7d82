// Pretraining text as HF's run_mlm.py prepares it: lines -> token ids -> training examples.
//
//   lines = read_text_lines({"corpus.txt"});                     // datasets' "text" loader
//   auto [train, validation] = split_validation(lines, 5);        // run_mlm: train[5%:], train[:5%]
//   auto blocks = mlm_examples(train, tok, 128, /*line_by_line=*/false);
// Two ways to make examples, as run_mlm.py's --line_by_line flag:
//   off: every line is tokenized with its own [CLS] ... [SEP], the ids of all lines are
//        concatenated and cut into blocks of exactly max_seq_length tokens (group_texts), so a
//        block can start mid-sentence and hold the [SEP] [CLS] of a line boundary inside it.
//        Nothing is padded and no token is wasted, except the tail of each map batch (below).
//   on:  every non-blank line is one example, truncated to max_seq_length; the collator pads
//        each batch to its longest line.
// The masking itself is the collator's (finetune/mlm_masking.h), drawn afresh every epoch.
// HF (transformers v4.57.6): examples/pytorch/language-modeling/run_mlm.py (tokenize_function,
// group_texts); datasets' text loader and split strings ("train[:5%]").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace bertlab::finetune {

// run_mlm.py maps group_texts over the dataset 1000 lines at a time (datasets' default batch
// size): each batch is concatenated and cut on its own, and its last partial block is dropped.
inline constexpr int64_t kGroupTextsBatchLines = 1000;

// The lines of the files, one after another, without their line breaks ("\n" or "\r\n"); empty
// lines are kept, as datasets' "text" loader keeps them. A missing file or invalid UTF-8 is an
// error naming the file and the line.
std::vector<std::string> read_text_lines(const std::vector<std::filesystem::path>& files);

// run_mlm.py without a validation file: the first `percentage`% of the lines (rounded as
// datasets rounds split percentages: to the nearest, halves to even) are the validation split,
// the rest the training split.
struct TextSplits {
  std::vector<std::string> train, validation;
};
TextSplits split_validation(const std::vector<std::string>& lines, int64_t percentage);

// group_texts: the token ids of consecutive tokenized lines, concatenated per map batch of
// kGroupTextsBatchLines lines and cut into blocks of block_size ids (the remainder dropped).
std::vector<std::vector<int64_t>> group_texts(const std::vector<std::vector<int64_t>>& tokenized_lines,
                                              int64_t block_size);

// The training examples (token ids with [CLS]/[SEP]) of some lines, blocks or line by line.
std::vector<std::vector<int64_t>> mlm_examples(const std::vector<std::string>& lines,
                                               const tokenizer::BertTokenizer& tok, int64_t max_seq_length,
                                               bool line_by_line);

}  // namespace bertlab::finetune
