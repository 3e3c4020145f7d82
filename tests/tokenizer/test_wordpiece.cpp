// WordpieceTokenizer: greedy longest-match-first over the tiny vocabulary.
#include <catch2/catch.hpp>

#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab
#include "tokenizer/wordpiece.h"         // defines: WordpieceTokenizer

using namespace bertlab::tokenizer;
using Pieces = std::vector<std::string>;
using Catch::Matchers::Contains;

namespace {

WordpieceTokenizer tiny_wordpiece() {
  return WordpieceTokenizer(std::make_shared<const Vocab>(bertlab::testing::tiny_vocab()));
}

}  // namespace

TEST_CASE("WordpieceTokenizer: longest match first, then ## continuations", "[tokenizer]") {
  const WordpieceTokenizer wordpiece = tiny_wordpiece();
  CHECK(wordpiece.tokenize("unaffable") == Pieces{"un", "##aff", "##able"});
  CHECK(wordpiece.tokenize("unwanted") == Pieces{"un", "##want", "##ed"});
  CHECK(wordpiece.tokenize("running") == Pieces{"runn", "##ing"});
  // "want" beats "wa": the longest prefix in the vocabulary wins.
  CHECK(wordpiece.tokenize("wanted") == Pieces{"want", "##ed"});
  CHECK(wordpiece.tokenize("").empty());
}

TEST_CASE("WordpieceTokenizer: a word with an unmatched rest is one [UNK]", "[tokenizer]") {
  const WordpieceTokenizer wordpiece = tiny_wordpiece();
  CHECK(wordpiece.tokenize("unwantedx") == Pieces{"[UNK]"});  // not un ##want ##ed [UNK]
  CHECK(wordpiece.tokenize("xyz") == Pieces{"[UNK]"});
}

TEST_CASE("WordpieceTokenizer: words over 100 characters are one [UNK]", "[tokenizer]") {
  const WordpieceTokenizer wordpiece = tiny_wordpiece();
  std::string word;
  for (int i = 0; i < 25; ++i) word += "want";  // 100 characters: still split
  CHECK(wordpiece.tokenize(word).size() == 25);
  CHECK(wordpiece.tokenize(word + "s") == Pieces{"[UNK]"});  // 101
}

TEST_CASE("WordpieceTokenizer: needs an [UNK] in the vocabulary", "[tokenizer]") {
  auto vocab = std::make_shared<const Vocab>(std::vector<std::string>{"a", "##b"});
  CHECK_THROWS_WITH(WordpieceTokenizer(vocab), Contains("expected [UNK] in the vocabulary"));
}
