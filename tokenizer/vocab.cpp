// Vocab: load vocab.txt, check it, and answer token <-> id lookups.
#include "tokenizer/vocab.h"  // defines: Vocab

#include <fmt/format.h>

#include <fstream>

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
  // HF strips only the trailing "\n" of each line, so a token may be any other text.
  std::vector<std::string> tokens;
  for (std::string line; std::getline(file, line);) tokens.push_back(std::move(line));
  return Vocab(std::move(tokens), path.string());
}

Vocab::Vocab(std::vector<std::string> tokens, std::string_view where) : tokens_(std::move(tokens)) {
  if (tokens_.empty()) {
    throw TokenizerError(fmt::format(
        "Vocab: empty vocabulary: expected one token per line, got no lines in {}. Hint: is this "
        "the right file?",
        where));
  }
  ids_.reserve(tokens_.size());
  for (size_t id = 0; id < tokens_.size(); ++id) {
    const auto [it, inserted] = ids_.emplace(tokens_[id], static_cast<int32_t>(id));
    if (!inserted) {  // lines are 1-based for people, ids 0-based
      throw TokenizerError(fmt::format(
          "Vocab: duplicate token: expected every token once, got \"{}\" on lines {} and {} of "
          "{}. Hint: remove one of them (ids are line numbers, so later ids shift)",
          tokens_[id], it->second + 1, id + 1, where));
    }
    max_token_bytes_ = std::max(max_token_bytes_, tokens_[id].size());
  }
}

int32_t Vocab::find(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
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
