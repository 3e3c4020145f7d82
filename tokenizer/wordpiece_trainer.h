// WordPieceTrainer: grow a WordPiece vocabulary (vocab.txt) from a corpus, pair by pair, as HF
// tokenizers' BertWordPieceTokenizer(...).train(files, vocab_size, min_frequency, limit_alphabet).
//
// 1. Count the words: BasicTokenizer normalizes and splits each line.   "hug hug hug pug"
//       -> hug x 3, pug x 1
// 2. The initial vocabulary: the special tokens, the alphabet (single characters, in code point
//    order), then "##c" for each character met inside a word, in the order met. Each word becomes
//    a sequence of ids:   [PAD] [UNK] [CLS] [SEP] [MASK] g h p u ##u ##g   (ids 0..10)
//       hug -> h ##u ##g,  pug -> p ##u ##g
// 3. Merges: the adjacent pair with the highest count (a word's count for each time it holds the
//    pair) becomes one new token, and every word is rewritten with it. Repeat until the vocabulary
//    has vocab_size tokens or the best count is below min_frequency.
//       (##u, ##g) x 4 -> "##ug"    (h, ##ug) x 3 -> "hug"    (p, ##ug) x 1 -> "pug"
//    The second half of a pair loses its "##": h + ##ug is "hug", ##u + ##g is "##ug".
// vocab.txt lists the tokens in the order they were made; a token's line number is its id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/basic_tokenizer.h"  // defines: BasicTokenizer

namespace bertlab::tokenizer {

// The arguments of HF's WordPieceTrainer (BertWordPieceTokenizer.train passes the same ones).
struct WordPieceTrainerOptions {
  size_t vocab_size = 30000;                // stop merging when the vocabulary has this many tokens
  uint64_t min_frequency = 0;               // ... or when the best pair occurs fewer times than this
  std::optional<size_t> limit_alphabet;     // keep only this many characters, the most frequent
  std::vector<std::string> special_tokens;  // the first lines of vocab.txt, in this order
  std::string continuing_subword_prefix = "##";
};

class WordPieceTrainer {
 public:
  WordPieceTrainer(WordPieceTrainerOptions options, BasicTokenizer basic_tokenizer);

  // Step 1: counts the words of a text (any number of lines) or of every line of a file. Invalid
  // UTF-8 or an unreadable file throws a TokenizerError naming the file and line.
  void feed(std::string_view utf8_text);
  void feed_file(const std::string& path);

  struct WordCount {
    std::string word;  // UTF-8, as BasicTokenizer made it
    uint64_t count;
  };
  // Every distinct word, in the order first met.
  const std::vector<WordCount>& word_counts() const { return words_; }

  // Step 2: special tokens, alphabet, then the "##c" tokens.
  std::vector<std::string> initial_vocabulary() const;

  // Steps 2 and 3: the whole vocabulary, in id order (the lines of vocab.txt).
  std::vector<std::string> train() const { return train(initial_vocabulary()); }
  // Step 3 from a given initial vocabulary (the tokens with the smaller ids win ties, so the order
  // of these tokens matters; see docs/tokenizer.md on why HF's own order changes from run to run).
  std::vector<std::string> train(std::vector<std::string> vocab) const;

 private:
  WordPieceTrainerOptions options_;
  BasicTokenizer basic_tokenizer_;
  std::vector<WordCount> words_;
  std::unordered_map<std::string, size_t> word_index_;  // word -> its place in words_
};

// The initial vocabulary at the top of a trained vocab.txt: the special tokens, the single
// characters after them, and the "##c" tokens after those. train(initial_part_of(hf_vocab)) gives
// HF's vocab.txt back, line for line: it fixes the order HF drew at random.
std::vector<std::string> initial_part_of(const std::vector<std::string>& vocab, const WordPieceTrainerOptions& options);

// Writes one token per line, as HF's model.save() writes vocab.txt.
void save_vocab_txt(const std::vector<std::string>& vocab, const std::string& path);

}  // namespace bertlab::tokenizer
