#pragma once

#include <string>
#include <vector>

#include "tokenizer/vocab.h"  // defines: Vocab

namespace bertlab::exercises {

// The WordPiece pieces of one word: "unaffable" -> un ##aff ##able.
std::vector<std::string> wordpiece(const std::string& word, const tokenizer::Vocab& vocab,
                                   int max_input_chars_per_word = 100);

}  // namespace bertlab::exercises
