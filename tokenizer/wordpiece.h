// WordpieceTokenizer: the second half of BERT tokenization, one word -> vocabulary pieces.
//
// Greedy longest-match-first: take the longest prefix of the word that is in the vocabulary,
// then the longest vocabulary piece of the rest, written with "##" to mark "continues a word":
//   "unaffable" -> un ##aff ##able     (vocab has "un", "##aff", "##able")
// If some rest has no piece at all, the whole word becomes one [UNK]; so does any word longer
// than max_input_chars_per_word (100) characters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/basic_tokenizer.h"  // defines: Word
#include "tokenizer/vocab.h"            // defines: Vocab

namespace bertlab::tokenizer {

// One token of a text: its id and the span [start, end) of original code points it covers.
struct Token {
  int32_t id;
  int32_t start, end;
};

class WordpieceTokenizer {
 public:
  WordpieceTokenizer(std::shared_ptr<const Vocab> vocab, std::string_view unk_token = "[UNK]",
                     int max_input_chars_per_word = 100);

  // Appends the pieces of `word` to `out`, with the spans of original code points they cover.
  void tokenize_word(const Word& word, std::vector<Token>& out) const;

  // The pieces of one (already normalized) word as strings: "unaffable" -> un ##aff ##able.
  std::vector<std::string> tokenize(std::string_view word) const;

 private:
  std::shared_ptr<const Vocab> vocab_;
  int32_t unk_id_;
  int max_input_chars_per_word_;
};

}  // namespace bertlab::tokenizer
