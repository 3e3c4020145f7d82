// Vocab: the two-way map between WordPiece tokens and their ids.
//
// vocab.txt holds one token per line and a token's id is its 0-based line number:
//   line 0 "[PAD]" -> id 0, ..., line 2023 "this" -> id 2023, line 2239 "##on" -> id 2239.
// Lookups go through a hash map and accept a std::string_view, so the WordPiece loop can look
// up a slice of a word without building a std::string for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bertlab::tokenizer {

class Vocab {
 public:
  // Reads vocab.txt. Throws TokenizerError when the file is missing or empty, or a token
  // appears twice (the error names both line numbers).
  static Vocab from_file(const std::filesystem::path& path);
  // Id = position in `tokens`; `where` names the source in error messages.
  explicit Vocab(std::vector<std::string> tokens, std::string_view where = "Vocab");

  // The id of `token`, or -1 when it is not in the vocabulary.
  int32_t find(std::string_view token) const;
  bool contains(std::string_view token) const { return find(token) >= 0; }
  // The token with this id; throws TokenizerError when id is out of range.
  const std::string& token(int64_t id) const;

  size_t size() const { return tokens_.size(); }
  // The length in bytes of the longest token: no longer slice can match.
  size_t max_token_bytes() const { return max_token_bytes_; }

 private:
  // Transparent hashing lets find() take a string_view (C++20 heterogeneous lookup).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> tokens_;                                      // id -> token
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;  // token -> id
  size_t max_token_bytes_ = 0;
};

}  // namespace bertlab::tokenizer
