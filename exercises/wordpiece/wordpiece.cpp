// Exercise (lab 01): WordPiece, greedy longest-match-first.
//
// Split one word (already lower-cased, no spaces or punctuation) into vocabulary pieces:
// from the word's first character take the longest prefix that is in the vocabulary; from where
// it ended, the longest piece that is in the vocabulary written with "##" in front ("continues a
// word"); and so on to the end of the word.
//   "hackathon" -> hack ##ath ##on                      (bert-base-uncased's vocab.txt)
// When no piece fits at some point, the whole word is one "[UNK]" (drop the pieces found so far).
// A word longer than max_input_chars_per_word characters is one "[UNK]" too; "" has no pieces.
//
// Hint: an outer loop over start positions, an inner one shrinking `end` from the word's end
// until vocab.contains(piece). The checks use ASCII words, so one character is one byte.
// Check it: ./run exercise wordpiece       Answer: tokenizer/wordpiece.cpp › WordpieceTokenizer::tokenize_word
#include "exercises/wordpiece/wordpiece.h"

#include <stdexcept>

namespace bertlab::exercises {

std::vector<std::string> wordpiece(const std::string& word, const tokenizer::Vocab& vocab,
                                   int max_input_chars_per_word) {
  // TODO: your code here.
  throw std::logic_error("TODO: wordpiece is not written yet");
}

}  // namespace bertlab::exercises
