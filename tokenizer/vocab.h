// Vocab: the two-way map between WordPiece tokens and their ids.
//
// vocab.txt holds one token per line and a token's id is its 0-based line number:
//   line 0 "[PAD]" -> id 0, ..., line 2023 "this" -> id 2023, line 2239 "##on" -> id 2239.
// A line ends at "\n", "\r\n" or "\r", as Python's text mode reads it for HF's load_vocab.
// Lookups go through a hash table and accept a std::string_view, so the WordPiece loop can look
// up a slice of a word without building a std::string for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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
  // The token -> id direction is a small open-addressing hash table: a power-of-two array of
  // slots, at most half full, each holding a token's hash and id. A lookup starts at slot
  // (hash & mask) and walks forward until it finds the token or an empty slot. One flat array
  // has no nodes to chase and no division: bench_tokenizer went from 16 to 28 MB/s with it
  // (std::unordered_map before).
  struct Slot {
    uint32_t hash = 0;
    int32_t id = -1;  // -1 = empty
  };
  static uint32_t hash(std::string_view token);
  // The index of the slot holding `token`, or of the empty slot where it would go.
  size_t slot_index(std::string_view token, uint32_t token_hash) const;

  std::vector<std::string> tokens_;  // id -> token
  std::vector<Slot> slots_;          // token -> id
  size_t mask_ = 0;                  // slots_.size() - 1
  size_t max_token_bytes_ = 0;
};

}  // namespace bertlab::tokenizer
