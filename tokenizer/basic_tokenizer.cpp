// BasicTokenizer: normalize and split a text into words, one original code point at a time.
// HF's version: class BasicTokenizer in transformers v4.40.0,
// https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/tokenization_bert.py#L285
// It runs several passes over whole strings; doing every step per code point gives the same
// words (verified on the fixtures) and lets each character keep its origin for the offsets.
#include "tokenizer/basic_tokenizer.h"  // defines: BasicTokenizer, Word, is_punctuation, is_cjk

#include <algorithm>
#include <utility>

#include "tokenizer/unicode.h"  // defines: decode_utf8, append_utf8, lowercase, category, nfd, nfc, combining_class

namespace bertlab::tokenizer {

// ---------------------------------------------------------------------------------------------
// Word: the buffer a word is built in
// ---------------------------------------------------------------------------------------------

void Word::push_char(char32_t c, int32_t origin, int32_t end) {
  chars.push_back({static_cast<uint32_t>(text.size()), origin, end});
  append_utf8(text, c);
}

std::string_view Word::slice(size_t first, size_t last) const {
  const size_t begin = chars[first].byte;
  const size_t end = last < chars.size() ? chars[last].byte : text.size();
  return std::string_view(text).substr(begin, end - begin);
}

void Word::clear() {
  text.clear();
  chars.clear();
  never_split = false;
}

namespace {

// A word boundary: the word built so far (if any) is complete.
void end_word(Word& word, const BasicTokenizer::OnWord& on_word) {
  if (word.size() == 0) return;
  on_word(word);
  word.clear();
}

// Punctuation and CJK ideographs are words of their own.
void single_char_word(char32_t c, int32_t origin, int32_t end, Word& word,
                      const BasicTokenizer::OnWord& on_word) {
  end_word(word, on_word);
  word.push_char(c, origin, end);
  end_word(word, on_word);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126)) {
    return true;  // BERT counts the ASCII symbols too, though Unicode calls $ + < = > ^ ` | ~ S*
  }
  return category(c)[0] == 'P';
}

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// What a (lowercased) code point does, judged before accent stripping.
BasicTokenizer::Kind BasicTokenizer::kind_before_nfd(char32_t d) {
  if (d == U' ' || d == U'\t' || d == U'\n' || d == U'\r') return Kind::separator;
  if (d == 0 || d == 0xFFFD) return Kind::deleted;  // NUL and the replacement character
  const std::string_view cat = category(d);
  if (cat == "Zs" || d == 0x2028 || d == 0x2029) return Kind::separator;
  if (cat[0] == 'C') return Kind::deleted;  // control, format, surrogate, private use, unassigned
  if (is_cjk(d)) return Kind::cjk;
  return is_punctuation(d) ? Kind::punctuation : Kind::letter;
}

// ---------------------------------------------------------------------------------------------
// BasicTokenizer
// ---------------------------------------------------------------------------------------------

BasicTokenizer::BasicTokenizer(bool do_lower_case, std::optional<bool> strip_accents,
                               bool tokenize_chinese_chars,
                               const std::vector<std::string>& never_split)
    : do_lower_case_(do_lower_case),
      strip_accents_(strip_accents.value_or(do_lower_case)),
      tokenize_chinese_chars_(tokenize_chinese_chars),
      never_split_(never_split.begin(), never_split.end()) {
  for (char32_t c = 0; c < 128; ++c) ascii_kind_[c] = kind_before_nfd(c);
}

namespace {

// The text after HF's first two steps, _clean_text's deletions and NFC, each code point with
// the span [begin, end) of original code points it came from.
struct Normalized {
  std::u32string chars;
  std::vector<std::pair<int32_t, int32_t>> spans;
};

// NFC one chunk at a time, so each composed code point knows its originals. A chunk is a
// starter with the code points that compose or reorder with it: it ends before a starter
// (combining class 0) that NFC leaves apart from it (jamo V and T do compose with L and LV).
// Chunks are independent, as a starter blocks later marks from earlier starters.
Normalized nfc_with_spans(std::u32string_view kept, const std::vector<int32_t>& origin) {
  Normalized out;
  const std::u32string whole = nfc(kept);
  if (whole == kept) {  // the common case: already NFC
    out.chars = whole;
    for (int32_t o : origin) out.spans.emplace_back(o, o + 1);
    return out;
  }
  for (size_t i = 0; i < kept.size();) {
    size_t j = i + 1;
    std::u32string done = nfc(kept.substr(i, 1));
    for (; j < kept.size(); ++j) {
      if (combining_class(kept[j]) != 0) {
        done = nfc(kept.substr(i, j + 1 - i));
        continue;
      }
      std::u32string joined = nfc(kept.substr(i, j + 1 - i));
      if (joined == done + nfc(kept.substr(j, 1))) break;
      done = std::move(joined);
    }
    for (char32_t c : done) {
      out.chars.push_back(c);
      out.spans.emplace_back(origin[i], origin[j - 1] + 1);
    }
    i = j;
  }
  return out;
}

}  // namespace

void BasicTokenizer::split(std::u32string_view text, int32_t origin_base,
                           const OnWord& on_word) const {
  if (never_split_.empty()) return split_range(text, origin_base, on_word);
  // never_split: HF compares each whitespace-separated token (after deleting control characters,
  // spacing out CJK, NFC and, when lowercasing, lowercase) with the list; a listed one is kept
  // whole, neither lowercased, stripped nor split. Everything else is split as usual.
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size()) {
      const Kind kind = kind_before_nfd(text[i]);
      if (kind != Kind::separator && !(kind == Kind::cjk && tokenize_chinese_chars_)) continue;
    }
    const auto run_base = origin_base + static_cast<int32_t>(start);
    if (!never_split_word(text.substr(start, i - start), run_base, on_word)) {
      split_range(text.substr(start, i - start), run_base, on_word);
    }
    if (i < text.size()) split_range(text.substr(i, 1), origin_base + static_cast<int32_t>(i), on_word);
    start = i + 1;
  }
}

bool BasicTokenizer::never_split_word(std::u32string_view run, int32_t origin_base,
                                      const OnWord& on_word) const {
  std::u32string kept;
  int32_t first = -1, last = -1;
  for (size_t i = 0; i < run.size(); ++i) {
    if (kind_before_nfd(run[i]) == Kind::deleted) continue;
    kept.push_back(run[i]);
    last = origin_base + static_cast<int32_t>(i);
    if (first < 0) first = last;
  }
  if (kept.empty()) return false;
  std::u32string normalized = nfc(kept);
  if (do_lower_case_) {
    for (char32_t& c : normalized) c = lowercase(c);
  }
  const std::string text = encode_utf8(normalized);
  if (never_split_.count(text) == 0) return false;
  Word word;
  for (char32_t c : normalized) word.push_char(c, first, last + 1);
  word.never_split = true;
  on_word(word);
  return true;
}

void BasicTokenizer::split_range(std::u32string_view text, int32_t origin_base,
                                 const OnWord& on_word) const {
  Word word;
  // NFC is skipped when it cannot change the words:
  // - nothing below U+0300 changes under NFC or composes with a neighbour;
  // - accent stripping decomposes every character (NFD) and drops the marks, and NFD(NFC(x)) is
  //   NFD(x). Each character then keeps its own offsets, as in HF's fast tokenizer (which has no
  //   NFC): "e\u0301" -> e [0, 1). (NFD would also reorder marks; only the kept ones, Mc/Me with a
  //   combining class, can tell, as in U+1D16D U+1D165: never in real text.)
  const bool plain = std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; });
  if (plain || strip_accents_) {
    for (size_t i = 0; i < text.size(); ++i) {
      // HF lowercases one character at a time, so no context rule (final sigma) applies.
      const char32_t d = do_lower_case_ ? lowercase(text[i]) : text[i];
      const auto origin = origin_base + static_cast<int32_t>(i);
      add_char(d, origin, origin + 1, word, on_word);
    }
    return end_word(word, on_word);
  }
  // As HF: delete control characters first (they are no word boundary), then NFC.
  std::u32string kept;
  std::vector<int32_t> origin;
  for (size_t i = 0; i < text.size(); ++i) {
    if (kind_before_nfd(text[i]) == Kind::deleted) continue;
    kept.push_back(text[i]);
    origin.push_back(origin_base + static_cast<int32_t>(i));
  }
  const Normalized normalized = nfc_with_spans(kept, origin);
  for (size_t i = 0; i < normalized.chars.size(); ++i) {
    const char32_t c = normalized.chars[i];
    add_char(do_lower_case_ ? lowercase(c) : c, normalized.spans[i].first,
             normalized.spans[i].second, word, on_word);
  }
  end_word(word, on_word);
}

// Handles one (lowercased) character d that came from original code point `origin`.
void BasicTokenizer::add_char(char32_t d, int32_t origin, int32_t end, Word& word,
                              const OnWord& on_word) const {
  const Kind kind = d < 128 ? ascii_kind_[d] : kind_before_nfd(d);
  switch (kind) {
    case Kind::deleted:  // deleted, but NOT a boundary: "a\u200bb" is the one word "ab"
      return;
    case Kind::separator:
      end_word(word, on_word);
      return;
    case Kind::cjk:  // NFC and NFD map compatibility ideographs (U+F900...) to unified ones
      if (tokenize_chinese_chars_) {
        return single_char_word(nfd(d).code_points[0], origin, end, word, on_word);
      }
      break;  // else an ideograph is a letter like any other
    case Kind::punctuation:
    case Kind::letter:
      break;
  }
  // ASCII has no decomposition, and HF strips accents when lowercasing unless strip_accents
  // says otherwise.
  if (d < 128 || !strip_accents_) {
    if (kind == Kind::punctuation) return single_char_word(d, origin, end, word, on_word);
    return word.push_char(d, origin, end);
  }
  // Accent stripping: decompose (é -> e + U+0301) and drop the nonspacing marks (Mn).
  const Decomposition decomposed = nfd(d);
  for (int k = 0; k < decomposed.size; ++k) {
    const char32_t e = decomposed.code_points[k];
    if (category(e) == "Mn") continue;
    if (is_punctuation(e)) {
      single_char_word(e, origin, end, word, on_word);
    } else {
      word.push_char(e, origin, end);
    }
  }
}

std::vector<std::string> BasicTokenizer::tokenize(std::string_view utf8_text) const {
  std::vector<std::string> out;
  split(decode_utf8(utf8_text), 0, [&out](const Word& word) { out.push_back(word.text); });
  return out;
}

}  // namespace bertlab::tokenizer
