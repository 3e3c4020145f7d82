// Vocab: token <-> id lookups and the errors of loading vocab.txt.
#include <catch2/catch.hpp>

#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab, ScratchDir, vocab_file_text
#include "tokenizer/error.h"             // defines: TokenizerError
#include "tokenizer/vocab.h"             // defines: Vocab

using namespace bertlab::tokenizer;
using bertlab::testing::ScratchDir;
using Catch::Matchers::Contains;

TEST_CASE("Vocab: id is the line number, both ways", "[tokenizer]") {
  const Vocab vocab = bertlab::testing::tiny_vocab();
  CHECK(vocab.size() == 24);
  CHECK(vocab.find("want") == 5);
  CHECK(vocab.find("##want") == 6);
  CHECK(vocab.find("wanted") == -1);
  CHECK(vocab.token(9) == "un");
  CHECK(vocab.max_token_bytes() == 6);  // the longest: "##want", "##able" and "[MASK]"
}

TEST_CASE("Vocab: reads vocab.txt, one token per line", "[tokenizer]") {
  ScratchDir dir("vocab_read");
  const Vocab vocab = Vocab::from_file(dir.write("vocab.txt", "[PAD]\nhello\n##s\n"));
  CHECK(vocab.size() == 3);
  CHECK(vocab.find("##s") == 2);
}

TEST_CASE("Vocab: a missing, empty or repetitive file is a clear error", "[tokenizer]") {
  ScratchDir dir("vocab_errors");
  CHECK_THROWS_WITH(Vocab::from_file(dir.path / "nope.txt"),
                    Contains("cannot open the vocabulary") && Contains("nope.txt"));
  CHECK_THROWS_WITH(Vocab::from_file(dir.write("empty.txt", "")), Contains("empty vocabulary"));
  CHECK_THROWS_WITH(Vocab::from_file(dir.write("dup.txt", "a\nthe\nb\nthe\n")),
                    Contains("duplicate token") && Contains("\"the\" on lines 2 and 4"));
}

TEST_CASE("Vocab: an id outside the vocabulary is an error", "[tokenizer]") {
  const Vocab vocab = bertlab::testing::tiny_vocab();
  CHECK_THROWS_AS(vocab.token(24), TokenizerError);
  CHECK_THROWS_WITH(vocab.token(-1), Contains("expected an id in [0, 24), got -1"));
}
