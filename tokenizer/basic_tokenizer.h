// BasicTokenizer: the first half of BERT tokenization, text -> words (no vocabulary yet).
//
// The text is first put in NFC (as HF's unicodedata.normalize("NFC", text)). Then for each
// code point: lowercase it, delete control/format characters, turn
// whitespace into word boundaries, give every CJK ideograph and punctuation mark a word of
// its own, and (NFD + drop combining marks) strip accents:
//   "Héllo, 世界!"  ->  hello  ,  世  界  !
// Every normalized character remembers which original code point it came from, so that the
// tokens can report offsets into the original text ("Héllo" -> hello [0, 5]).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace bertlab::tokenizer {

// One word being built: its normalized characters as UTF-8, and for each character where
// its bytes start and which original code point it came from. The buffers are reused from
// word to word, so steady-state splitting allocates nothing.
struct Word {
  struct Char {
    uint32_t byte;   // where its UTF-8 starts in `text`
    int32_t origin;  // index of the first original code point it came from
    int32_t end;     // one past the last (origin + 1, unless NFC composed several into it)
  };
  std::string text;
  std::vector<Char> chars;
  bool never_split = false;  // a never_split token: one token as it is, no WordPiece

  void push_char(char32_t c, int32_t origin, int32_t end);
  // The UTF-8 of characters [first, last): "hello".slice(1, 3) == "el".
  std::string_view slice(size_t first, size_t last) const;
  size_t size() const { return chars.size(); }
  void clear();
};

class BasicTokenizer {
 public:
  // HF's BasicTokenizer options. strip_accents: nullopt strips when lowercasing (HF's None),
  // true/false force it on/off. tokenize_chinese_chars: CJK ideographs are words of their own.
  // never_split: whitespace-separated tokens kept whole (see split()).
  explicit BasicTokenizer(bool do_lower_case = true, std::optional<bool> strip_accents = std::nullopt,
                          bool tokenize_chinese_chars = true,
                          const std::vector<std::string>& never_split = {});

  // Calls on_word for each word of `text`, in order; `text[0]` is original code point
  // `origin_base`. The Word is only valid during the call.
  using OnWord = std::function<void(const Word&)>;
  void split(std::u32string_view text, int32_t origin_base, const OnWord& on_word) const;

  // The words as strings: a readable entry point for tests and learners.
  std::vector<std::string> tokenize(std::string_view utf8_text) const;

 private:
  enum class Kind : uint8_t { deleted, separator, cjk, punctuation, letter };
  static Kind kind_before_nfd(char32_t d);

  void split_range(std::u32string_view text, int32_t origin_base, const OnWord& on_word) const;
  bool never_split_word(std::u32string_view run, int32_t origin_base, const OnWord& on_word) const;
  void add_char(char32_t d, int32_t origin, int32_t end, Word& word, const OnWord& on_word) const;

  bool do_lower_case_;
  bool strip_accents_;  // resolved: HF's None means do_lower_case_
  bool tokenize_chinese_chars_;
  std::unordered_set<std::string> never_split_;
  Kind ascii_kind_[128];  // kind_before_nfd() of every ASCII code point, looked up once
};

// The punctuation test of BERT: every non-alphanumeric printable ASCII character
// ($ + < = > ^ ` | ~ included), and outside ASCII the Unicode categories P*.
bool is_punctuation(char32_t c);

// The CJK Unified Ideograph blocks BERT puts spaces around (not kana, not hangul).
bool is_cjk(char32_t c);

}  // namespace bertlab::tokenizer
