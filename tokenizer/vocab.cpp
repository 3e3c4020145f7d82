// Vocab: load vocab.txt, check it, and answer token <-> id lookups.
#include "tokenizer/vocab.h"  // defines: Vocab

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "tokenizer/error.h"  // defines: TokenizerError

namespace bertlab::tokenizer {

Vocab Vocab::from_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw TokenizerError(fmt::format(
        "Vocab: cannot open the vocabulary: expected a readable vocab.txt, got {}. Hint: pass a "
        "model folder that holds vocab.txt, or the path of the vocab file itself",
        path.string()));
  }
  // HF's load_vocab: open(vocab_file, "r", encoding="utf-8").readlines(), then
  // token.rstrip("\n"). Python's text mode reads "\r\n" and a lone "\r" as "\n" too, so a
  // line ends at any of the three; everything else (spaces, tabs, other control characters)
  // is part of the token.
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  std::vector<std::string> tokens;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find_first_of("\r\n", begin), text.size());
    tokens.push_back(text.substr(begin, end - begin));
    const bool crlf = text.compare(end, 2, "\r\n") == 0;
    begin = end + (crlf ? 2 : 1);
  }
  return Vocab(std::move(tokens), path.string());
}

Vocab::Vocab(std::vector<std::string> tokens, std::string_view where) : tokens_(std::move(tokens)) {
  if (tokens_.empty()) {
    throw TokenizerError(fmt::format(
        "Vocab: empty vocabulary: expected one token per line, got no lines in {}. Hint: is this "
        "the right file?",
        where));
  }
  size_t capacity = 1;
  while (capacity < 2 * tokens_.size()) capacity *= 2;  // at most half full: short walks
  slots_.resize(capacity);
  mask_ = capacity - 1;
  for (size_t id = 0; id < tokens_.size(); ++id) {
    const uint32_t token_hash = hash(tokens_[id]);
    Slot& slot = slots_[slot_index(tokens_[id], token_hash)];
    if (slot.id >= 0) {  // lines are 1-based for people, ids 0-based
      throw TokenizerError(fmt::format(
          "Vocab: duplicate token: expected every token once, got \"{}\" on lines {} and {} of "
          "{}. Hint: remove one of them (ids are line numbers, so later ids shift)",
          tokens_[id], slot.id + 1, id + 1, where));
    }
    slot = {token_hash, static_cast<int32_t>(id)};
    max_token_bytes_ = std::max(max_token_bytes_, tokens_[id].size());
  }
}

// FNV-1a: xor in each byte, multiply by a prime. Short and good enough for ~30k tokens.
uint32_t Vocab::hash(std::string_view token) {
  uint32_t h = 2166136261u;
  for (char c : token) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

size_t Vocab::slot_index(std::string_view token, uint32_t token_hash) const {
  for (size_t i = token_hash & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.id < 0 || (slot.hash == token_hash && tokens_[slot.id] == token)) return i;
  }
}

int32_t Vocab::find(std::string_view token) const {
  return slots_[slot_index(token, hash(token))].id;
}

const std::string& Vocab::token(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(tokens_.size())) {
    throw TokenizerError(fmt::format(
        "Vocab: token id out of range: expected an id in [0, {}), got {}. Hint: were these ids "
        "made with another vocabulary?",
        tokens_.size(), id));
  }
  return tokens_[static_cast<size_t>(id)];
}

}  // namespace bertlab::tokenizer
