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

TEST_CASE("Vocab: a line ends at LF, CRLF or CR, as Python's text mode reads it", "[tokenizer]") {
  // HF's load_vocab: open(vocab_file, "r", encoding="utf-8").readlines(), then
  // token.rstrip("\n"). Text mode turns "\r\n" and a lone "\r" into "\n" before readlines sees
  // them, so a vocab.txt saved on Windows reads the same; other control characters (\t, \f) and
  // spaces stay part of the token, and an empty line is the token "".
  ScratchDir dir("vocab_crlf");
  const Vocab crlf = Vocab::from_file(dir.write("crlf.txt", "[PAD]\r\nhello\r\n##s\r\n"));
  CHECK(crlf.size() == 3);
  CHECK(crlf.find("hello") == 1);
  CHECK(crlf.find("##s") == 2);
  CHECK(crlf.max_token_bytes() == 5);
  // Checked with python3: the file below reads as ['a', 'b', '', 'c', 'd \t\x0ce'].
  const Vocab mixed = Vocab::from_file(dir.write("mixed.txt", "a\rb\r\r\nc\nd \t\fe\r"));
  CHECK(mixed.size() == 5);
  CHECK(mixed.find("a") == 0);
  CHECK(mixed.find("b") == 1);
  CHECK(mixed.find("") == 2);  // "\r\r\n" is two line ends: "b", then an empty line
  CHECK(mixed.find("c") == 3);
  CHECK(mixed.find("d \t\fe") == 4);
}
