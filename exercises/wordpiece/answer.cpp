// The answer: the library's WordPiece (tokenizer/wordpiece.cpp › WordpieceTokenizer::tokenize_word).
#include <memory>

#include "exercises/wordpiece/wordpiece.h"
#include "tokenizer/wordpiece.h"  // defines: WordpieceTokenizer

namespace bertlab::exercises {

std::vector<std::string> wordpiece(const std::string& word, const tokenizer::Vocab& vocab,
                                   int max_input_chars_per_word) {
  const tokenizer::WordpieceTokenizer tokenizer(std::make_shared<const tokenizer::Vocab>(vocab), "[UNK]",
                                                max_input_chars_per_word);
  return tokenizer.tokenize(word);
}

}  // namespace bertlab::exercises
