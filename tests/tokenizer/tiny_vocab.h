// A tiny vocabulary for the tokenizer's unit tests (google-research/bert's tests use one too),
// small enough to check every id by hand, and a scratch folder for loader tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tokenizer/vocab.h"  // defines: Vocab

namespace bertlab::testing {

// id:                0        1        2        3        4         5       6        7
inline const std::vector<std::string> kTinyTokens = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "want", "##want", "##ed",
    // 8    9     10      11      12   13       14        15   16   17   18   19     20
    "wa", "un", "runn", "##ing", ",", "##aff", "##able", ".", "!", "'", "t", "don", "hello",
    // 21   22    23
    "[", "]", "mask"};

inline tokenizer::Vocab tiny_vocab() { return tokenizer::Vocab(kTinyTokens); }

// A fresh empty folder under the system temp dir, removed again by the destructor.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("bertlab_test_" + name)) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::filesystem::path write(const std::string& file, const std::string& content) const {
    std::ofstream(path / file, std::ios::binary) << content;
    return path / file;
  }
};

// The tokens joined one per line, as in vocab.txt.
inline std::string vocab_file_text(const std::vector<std::string>& tokens) {
  std::string text;
  for (const std::string& token : tokens) text += token + "\n";
  return text;
}

}  // namespace bertlab::testing
