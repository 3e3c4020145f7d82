// BasicTokenizer: the first half of BERT tokenization, text -> words (no vocabulary yet).
//
// For each code point of the text: lowercase it, delete control/format characters, turn
// whitespace into word boundaries, give every CJK ideograph and punctuation mark a word of
// its own, and (NFD + drop combining marks) strip accents:
//   "Héllo, 世界!"  ->  hello  ,  世  界  !
// Every normalized character remembers which original code point it came from, so that the
// tokens can report offsets into the original text ("Héllo" -> hello [0, 5]).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bertlab::tokenizer {

// The words of a text, in one flat buffer (no allocation per word or per character).
// Word w is the normalized characters chars[words[w].begin .. words[w].end).
struct Words {
  struct Char {
    uint32_t byte;   // where its UTF-8 starts in `text`
    int32_t origin;  // index of the original code point it came from
  };
  struct Range {
    uint32_t begin, end;  // indices into `chars`
  };
  std::string text;         // the normalized characters, UTF-8, words back to back
  std::vector<Char> chars;  // one per normalized character
  std::vector<Range> words;

  // Appends one normalized character to the text (to the word being built).
  void push_char(char32_t c, int32_t origin);
  // The UTF-8 of normalized characters [first, last) (all in one word).
  std::string_view slice(uint32_t first, uint32_t last) const;
  void clear();
};

class BasicTokenizer {
 public:
  explicit BasicTokenizer(bool do_lower_case = true);

  // Appends the words of `text` to `out`; `text[0]` is original code point `origin_base`.
  void split(std::u32string_view text, int32_t origin_base, Words& out) const;

  // The words as strings: a readable entry point for tests and learners.
  std::vector<std::string> tokenize(std::string_view utf8_text) const;

 private:
  enum class Kind : uint8_t { deleted, separator, cjk, punctuation, letter };
  static Kind kind_before_nfd(char32_t d);

  void add_char(char32_t d, int32_t origin, Words& out, uint32_t& word_begin) const;

  bool do_lower_case_;
  Kind ascii_kind_[128];  // kind_before_nfd() of every ASCII code point, looked up once
};

// The punctuation test of BERT: every non-alphanumeric printable ASCII character
// ($ + < = > ^ ` | ~ included), and outside ASCII the Unicode categories P*.
bool is_punctuation(char32_t c);

// The CJK Unified Ideograph blocks BERT puts spaces around (not kana, not hangul).
bool is_cjk(char32_t c);

}  // namespace bertlab::tokenizer
