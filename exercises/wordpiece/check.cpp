// Grades exercises/wordpiece: hand-made cases with known pieces, then random words against the
// library's WordpieceTokenizer on bert-base-uncased's vocabulary.
#include <algorithm>
#include <cctype>
#include <memory>

#include "exercises/grader.h"
#include "exercises/wordpiece/wordpiece.h"
#include "tokenizer/wordpiece.h"  // defines: WordpieceTokenizer

using namespace bertlab;
using namespace bertlab::exercises;
using Pieces = std::vector<std::string>;

namespace {

std::string expect(const Pieces& got, const Pieces& expected, const std::string& word) {
  if (got == expected) return "";
  return fmt::format("\"{}\": expected [{}], got [{}]", word, fmt::join(expected, " "), fmt::join(got, " "));
}

// The tokens of `vocab` made of a-z only: what the random words are built from.
Pieces letter_tokens(const tokenizer::Vocab& vocab, bool continuation) {
  Pieces out;
  for (size_t id = 0; id < vocab.size(); ++id) {
    std::string t = vocab.token(static_cast<int64_t>(id));
    if (continuation != (t.rfind("##", 0) == 0)) continue;
    if (continuation) t = t.substr(2);
    if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; })) out.push_back(t);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "wordpiece", "tokenizer/wordpiece.cpp › WordpieceTokenizer::tokenize_word");
  const tokenizer::Vocab bert =
      tokenizer::Vocab::from_file(BERTLAB_SOURCE_DIR "/tests/fixtures/vocab/bert-base-uncased/vocab.txt");
  const tokenizer::Vocab small(Pieces{"[UNK]", "un", "##aff", "##able", "want", "##want", "##ed", "wa", "##nt"});

  grader.check("the notebook's word: hackathon -> hack ##ath ##on (bert-base-uncased)",
               [&] { return expect(wordpiece("hackathon", bert), {"hack", "##ath", "##on"}, "hackathon"); });
  grader.check("a small vocabulary: unaffable -> un ##aff ##able",
               [&] { return expect(wordpiece("unaffable", small), {"un", "##aff", "##able"}, "unaffable"); });
  grader.check("the longest prefix wins: wanted -> want ##ed, not wa ##nt ##ed",
               [&] { return expect(wordpiece("wanted", small), {"want", "##ed"}, "wanted"); });
  grader.check("no piece fits the rest: unaffablex -> [UNK] alone, not un ##aff ##able [UNK]",
               [&] { return expect(wordpiece("unaffablex", small), {"[UNK]"}, "unaffablex"); });
  grader.check("an empty word has no pieces", [&] { return expect(wordpiece("", small), {}, ""); });
  grader.check("max_input_chars_per_word: 100 letters still split, 101 are [UNK]", [&] {
    std::string word;
    Pieces expected;
    for (int i = 0; i < 25; ++i) {
      word += "want";
      expected.push_back(i == 0 ? "want" : "##want");
    }
    if (std::string p = expect(wordpiece(word, small), expected, "want × 25"); !p.empty()) return p;
    return expect(wordpiece(word + "s", small), {"[UNK]"}, "want × 25 + s");
  });

  grader.check("300 random words against the library (bert-base-uncased)", [&] {
    const tokenizer::WordpieceTokenizer library(std::make_shared<const tokenizer::Vocab>(bert));
    const Pieces starts = letter_tokens(bert, false), rests = letter_tokens(bert, true);
    Generator gen(17);
    auto pick = [&](const Pieces& from) { return from[static_cast<size_t>(gen.uniform() * from.size()) % from.size()]; };
    for (int i = 0; i < 300; ++i) {
      std::string word = pick(starts);
      for (int n = static_cast<int>(gen.uniform() * 4); n > 0; --n) word += pick(rests);
      if (i % 10 == 0) word += "q";  // often no piece fits a trailing q: [UNK]
      if (std::string p = expect(wordpiece(word, bert), library.tokenize(word), word); !p.empty()) return p;
    }
    return std::string();
  });
  return grader.finish();
}
