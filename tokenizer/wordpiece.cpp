// WordpieceTokenizer: greedy longest-match-first over the vocabulary.
// HF's version: class WordpieceTokenizer in transformers v4.40.0,
// https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/tokenization_bert.py#L446
#include "tokenizer/wordpiece.h"  // defines: WordpieceTokenizer, Token

#include <fmt/format.h>

#include "tokenizer/error.h"    // defines: TokenizerError
#include "tokenizer/unicode.h"  // defines: decode_utf8

namespace bertlab::tokenizer {

WordpieceTokenizer::WordpieceTokenizer(std::shared_ptr<const Vocab> vocab,
                                       std::string_view unk_token, int max_input_chars_per_word)
    : vocab_(std::move(vocab)),
      unk_id_(vocab_->find(unk_token)),
      max_input_chars_per_word_(max_input_chars_per_word) {
  if (unk_id_ < 0) {
    throw TokenizerError(fmt::format(
        "WordpieceTokenizer: unknown-word token missing: expected {} in the vocabulary, got a "
        "vocabulary of {} tokens without it. Hint: is this a BERT vocab.txt?",
        unk_token, vocab_->size()));
  }
}

void WordpieceTokenizer::tokenize_word(const Word& word, std::vector<Token>& out) const {
  // An [UNK] stands for the whole word: it spans the word's first to last original character.
  const Token unknown{unk_id_, word.chars.front().origin, word.chars.back().end};
  if (word.size() > static_cast<size_t>(max_input_chars_per_word_)) {
    out.push_back(unknown);
    return;
  }
  const size_t first_piece = out.size();
  std::string key;  // "##" + piece; reused, so short keys never allocate
  for (size_t start = 0; start < word.size();) {
    const size_t prefix = start == 0 ? 0 : 2;  // continuation pieces are written "##..."
    int32_t id = -1;
    size_t end = word.size();
    for (; end > start; --end) {  // longest match first
      const std::string_view piece = word.slice(start, end);
      if (piece.size() + prefix > vocab_->max_token_bytes()) continue;  // cannot be in the vocab
      if (prefix == 0) {
        id = vocab_->find(piece);
      } else {
        key.assign("##").append(piece);
        id = vocab_->find(key);
      }
      if (id >= 0) break;
    }
    if (id < 0) {  // no piece fits here: the word is unknown, drop the pieces found so far
      out.resize(first_piece);
      out.push_back(unknown);
      return;
    }
    out.push_back({id, word.chars[start].origin, word.chars[end - 1].end});
    start = end;
  }
}

std::vector<std::string> WordpieceTokenizer::tokenize(std::string_view text) const {
  Word word;
  const std::u32string chars = decode_utf8(text);
  for (size_t i = 0; i < chars.size(); ++i) word.push_char(chars[i], static_cast<int32_t>(i), static_cast<int32_t>(i) + 1);
  std::vector<std::string> pieces;
  if (word.size() == 0) return pieces;
  std::vector<Token> tokens;
  tokenize_word(word, tokens);
  for (const Token& t : tokens) pieces.push_back(vocab_->token(t.id));
  return pieces;
}

}  // namespace bertlab::tokenizer
