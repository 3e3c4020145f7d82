// WordPieceTrainer: HF tokenizers' WordPieceTrainer, which is its BPE trainer with a "##" prefix.
// https://github.com/huggingface/tokenizers/blob/v0.22.1/tokenizers/src/models/bpe/trainer.rs
// https://github.com/huggingface/tokenizers/blob/v0.22.1/tokenizers/src/models/wordpiece/trainer.rs
// The merge loop keeps HF's bookkeeping exactly (which pair counts it updates, when it re-queues a
// pair), because any difference there changes which pair wins a later tie.
#include "tokenizer/wordpiece_trainer.h"  // defines: WordPieceTrainer, save_vocab_txt

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "tokenizer/error.h"    // defines: TokenizerError
#include "tokenizer/unicode.h"  // defines: decode_utf8, encode_utf8

namespace bertlab::tokenizer {

WordPieceTrainer::WordPieceTrainer(WordPieceTrainerOptions options, BasicTokenizer basic_tokenizer)
    : options_(std::move(options)), basic_tokenizer_(std::move(basic_tokenizer)) {
  if (options_.vocab_size == 0)
    throw TokenizerError(
        "WordPieceTrainer: vocab_size: expected at least 1, got 0. Hint: BERT's vocabularies have "
        "about 30000 tokens");
}

// ---------------------------------------------------------------------------------------------
// Step 1: count the words
// ---------------------------------------------------------------------------------------------

void WordPieceTrainer::feed(std::string_view utf8_text) {
  basic_tokenizer_.split(decode_utf8(utf8_text), 0, [this](const Word& word) {
    const auto [it, is_new] = word_index_.try_emplace(word.text, words_.size());
    if (is_new) words_.push_back({word.text, 0});
    ++words_[it->second].count;
  });
}

void WordPieceTrainer::feed_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw TokenizerError(fmt::format("WordPieceTrainer: cannot read {}: expected a readable text file. "
                                     "Hint: check the path",
                                     path));
  size_t line_number = 1;
  for (std::string line; std::getline(file, line); ++line_number) {
    try {
      feed(line);
    } catch (const TokenizerError& e) {  // decode_utf8 names the byte; add the file and line
      throw TokenizerError(fmt::format("{}:{}: {}", path, line_number, e.what()));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step 2: the initial vocabulary
// ---------------------------------------------------------------------------------------------

std::vector<std::string> WordPieceTrainer::initial_vocabulary() const {
  // How often each character occurs in the corpus.
  std::unordered_map<char32_t, uint64_t> char_counts;
  for (const WordCount& w : words_) {
    for (char32_t c : decode_utf8(w.word)) char_counts[c] += w.count;
  }
  std::vector<std::pair<char32_t, uint64_t>> alphabet(char_counts.begin(), char_counts.end());
  // limit_alphabet: drop the rarest characters. HF sorts by count only, so which of several equally
  // rare characters go depends on its hash order; we drop the later code points first.
  if (options_.limit_alphabet && alphabet.size() > *options_.limit_alphabet) {
    std::sort(alphabet.begin(), alphabet.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second < b.second : a.first > b.first;
    });
    alphabet.erase(alphabet.begin(), alphabet.end() - static_cast<std::ptrdiff_t>(*options_.limit_alphabet));
  }
  std::sort(alphabet.begin(), alphabet.end());  // code point order

  std::vector<std::string> vocab;
  std::unordered_map<std::string, uint32_t> ids;
  auto add = [&](const std::string& token) {
    if (ids.try_emplace(token, vocab.size()).second) vocab.push_back(token);
  };
  for (const std::string& token : options_.special_tokens) add(token);
  for (const auto& [c, count] : alphabet) add(encode_utf8(std::u32string(1, c)));
  // "##c" for every kept character that follows another one in some word, in the order met.
  for (const WordCount& w : words_) {
    const std::u32string chars = decode_utf8(w.word);
    for (size_t k = 1; k < chars.size(); ++k) {
      const std::string c = encode_utf8(chars.substr(k, 1));
      if (ids.count(c)) add(options_.continuing_subword_prefix + c);
    }
  }
  return vocab;
}

// ---------------------------------------------------------------------------------------------
// Step 3: merge the most frequent pair, again and again
// ---------------------------------------------------------------------------------------------

namespace {

// A pair of adjacent token ids (a, b) as one number, so that pairs compare as (a, b) do.
using Pair = uint64_t;
Pair make_pair_key(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }
uint32_t first_of(Pair p) { return static_cast<uint32_t>(p >> 32); }
uint32_t second_of(Pair p) { return static_cast<uint32_t>(p); }

// One entry of the priority queue: a pair, its count when queued, and the words to rewrite.
struct Merge {
  Pair pair;
  int64_t count;
  std::vector<uint32_t> words;
};

// The queue's order: the higher count first; on equal counts the smaller pair, i.e. the pair
// whose first token is older (then whose second token is older).
bool comes_later(const Merge& x, const Merge& y) {
  return x.count != y.count ? x.count < y.count : x.pair > y.pair;
}

// Where a pair occurs: each word once, whatever its number of occurrences there (HF's HashSet).
// Words are visited one at a time, so a repeat can only be the last one added.
void add_word(std::vector<uint32_t>& words, uint32_t w) {
  if (words.empty() || words.back() != w) words.push_back(w);
}

// Rewrites one word, left to right: x a b y -> x ab y, and reports how the pairs around each
// merge change: (x, a) and (b, y) lose one occurrence, (x, ab) and (ab, y) gain one. Like HF, the
// pair (a, b) itself is not reported. "a a a" with (a, a) -> "aa a": merges never overlap.
template <typename OnChange>
void merge_in_word(std::vector<uint32_t>& s, uint32_t a, uint32_t b, uint32_t ab, OnChange on_change) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != a || s[i + 1] != b) continue;
    if (i > 0) on_change(s[i - 1], a, -1), on_change(s[i - 1], ab, +1);
    s[i] = ab;
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    if (i + 1 < s.size()) on_change(b, s[i + 1], -1), on_change(ab, s[i + 1], +1);
  }
}

}  // namespace

std::vector<std::string> WordPieceTrainer::train(std::vector<std::string> vocab) const {
  const std::string& prefix = options_.continuing_subword_prefix;
  std::unordered_map<std::string, uint32_t> ids;
  for (uint32_t id = 0; id < vocab.size(); ++id) ids.emplace(vocab[id], id);
  auto id_of = [&](const std::string& token) {
    const auto [it, is_new] = ids.try_emplace(token, vocab.size());
    if (is_new) vocab.push_back(token);
    return it->second;
  };

  // Each word as token ids: its first character as itself, the others with "##". Characters left
  // out of the alphabet are skipped, so their neighbours become adjacent.
  std::vector<std::vector<uint32_t>> words(words_.size());  // [word][symbol]
  for (size_t w = 0; w < words_.size(); ++w) {
    const std::u32string chars = decode_utf8(words_[w].word);
    for (size_t k = 0; k < chars.size(); ++k) {
      const std::string c = encode_utf8(chars.substr(k, 1));
      if (ids.count(c)) words[w].push_back(id_of(k == 0 ? c : prefix + c));
    }
  }

  // pair_counts[p] = sum over the words of (word count) x (occurrences of p in the word).
  std::unordered_map<Pair, int64_t> pair_counts;
  std::unordered_map<Pair, std::vector<uint32_t>> where;  // pair -> the words it was added to
  for (uint32_t w = 0; w < words.size(); ++w) {
    for (size_t i = 0; i + 1 < words[w].size(); ++i) {
      const Pair p = make_pair_key(words[w][i], words[w][i + 1]);
      pair_counts[p] += static_cast<int64_t>(words_[w].count);
      add_word(where[p], w);
    }
  }
  std::vector<Merge> queue;  // a max-heap under comes_later
  auto queue_new_pairs = [&] {
    for (auto& [p, in_words] : where) {
      if (pair_counts[p] > 0) {
        queue.push_back({p, pair_counts[p], std::move(in_words)});
        std::push_heap(queue.begin(), queue.end(), comes_later);
      }
    }
    where.clear();
  };
  queue_new_pairs();

  while (vocab.size() < options_.vocab_size && !queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), comes_later);
    Merge top = std::move(queue.back());
    queue.pop_back();
    // The queue is updated lazily: an entry whose count has changed since it was queued goes back
    // with its current count.
    if (top.count != pair_counts[top.pair]) {
      top.count = pair_counts[top.pair];
      queue.push_back(std::move(top));
      std::push_heap(queue.begin(), queue.end(), comes_later);
      continue;
    }
    if (top.count < 1 || static_cast<int64_t>(options_.min_frequency) > top.count) break;

    // The new token: "h" + "##ug" -> "hug", "##u" + "##g" -> "##ug" (it may exist already).
    const uint32_t a = first_of(top.pair), b = second_of(top.pair);
    std::string second = vocab[b];
    if (second.rfind(prefix, 0) == 0) second.erase(0, prefix.size());
    const uint32_t merged = id_of(vocab[a] + second);

    // Rewrite every word the entry lists; each change counts the word's count. The pair counts are
    // updated, never recounted: only pairs next to a merge change.
    for (uint32_t w : top.words) {
      const auto count = static_cast<int64_t>(words_[w].count);
      merge_in_word(words[w], a, b, merged, [&](uint32_t x, uint32_t y, int sign) {
        const Pair p = make_pair_key(x, y);
        pair_counts[p] += sign * count;
        if (sign > 0) add_word(where[p], w);
      });
    }
    queue_new_pairs();  // the pairs that gained occurrences, with the words they gained them in
  }
  return vocab;
}

std::vector<std::string> initial_part_of(const std::vector<std::string>& vocab,
                                         const WordPieceTrainerOptions& options) {
  const std::string& prefix = options.continuing_subword_prefix;
  auto one_char = [](std::string_view token) { return decode_utf8(token).size() == 1; };
  size_t end = std::min(options.special_tokens.size(), vocab.size());
  while (end < vocab.size() && one_char(vocab[end])) ++end;
  while (end < vocab.size() && vocab[end].rfind(prefix, 0) == 0 && one_char(vocab[end].substr(prefix.size()))) ++end;
  return {vocab.begin(), vocab.begin() + static_cast<std::ptrdiff_t>(end)};
}

void save_vocab_txt(const std::vector<std::string>& vocab, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  for (const std::string& token : vocab) file << token << '\n';
  if (!file)
    throw TokenizerError(fmt::format("save_vocab_txt: cannot write {}. Hint: does the folder exist?", path));
}

}  // namespace bertlab::tokenizer
