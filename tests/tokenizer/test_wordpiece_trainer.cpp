// WordPieceTrainer against HF tokenizers' BertWordPieceTokenizer.train: the worked example by hand,
// then every reference vocab.txt of tests/fixtures/wordpiece/ (made by
// tests/golden/make_wordpiece_vocab.py with tokenizers 0.22.1), line for line.
//
// HF's trainer orders the "##c" tokens by its hash map's random order, so each run of HF writes one
// of many vocab.txt files. The tests take that initial order from HF's file (initial_part_of) and
// require every merged token after it, in HF's order; they also check that the initial tokens are
// the ones bertlab picks itself (the same set).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"          // defines: skip_or_fail
#include "tests/support/run_bertlab.h"       // defines: run_bertlab, read_file
#include "tokenizer/bert_tokenizer.h"        // defines: BertTokenizer
#include "tokenizer/error.h"                 // defines: TokenizerError
#include "tokenizer/wordpiece_trainer.h"     // defines: WordPieceTrainer, initial_part_of

using bertlab::tokenizer::BasicTokenizer;
using bertlab::tokenizer::WordPieceTrainer;
using bertlab::tokenizer::WordPieceTrainerOptions;
namespace fs = std::filesystem;

namespace {

const fs::path kWordpieceFixtures = fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "wordpiece";
const std::vector<std::string> kSpecials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};

std::vector<std::string> trainer_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

WordPieceTrainer small_trainer(size_t vocab_size, uint64_t min_frequency = 0) {
  WordPieceTrainerOptions options;
  options.vocab_size = vocab_size;
  options.min_frequency = min_frequency;
  options.special_tokens = kSpecials;
  return WordPieceTrainer(options, BasicTokenizer());
}

// Every string of a JSON value, depth first (as make_wordpiece_vocab.py's strings_in).
void feed_strings(WordPieceTrainer& trainer, const nlohmann::json& value) {
  if (value.is_string()) trainer.feed(value.get<std::string>());
  if (value.is_array())
    for (const auto& item : value) feed_strings(trainer, item);
}

// Feeds a manifest case's corpus; false (after reporting the skip) when it is not here.
bool feed_corpus(WordPieceTrainer& trainer, const nlohmann::json& corpus) {
  const fs::path source(BERTLAB_SOURCE_DIR);
  if (corpus.contains("repo")) {
    trainer.feed_file((source / corpus["repo"].get<std::string>()).string());
  } else if (corpus.contains("shared")) {
    const fs::path path = source / ".." / "shared" / corpus["shared"].get<std::string>();
    if (!fs::exists(path)) return bertlab::testing::skip_or_fail("no " + path.string()), false;
    trainer.feed_file(path.string());
  } else {
    std::ifstream cases(source / corpus["texts_of"].get<std::string>());
    for (std::string line; std::getline(cases, line);) {
      const nlohmann::json call = nlohmann::json::parse(line).value("call", nlohmann::json::object());
      for (const char* key : {"text", "text_pair"})
        if (call.contains(key)) feed_strings(trainer, call[key]);
    }
  }
  return true;
}

}  // namespace

TEST_CASE("WordPieceTrainer: the worked example, hug x 3 and pug x 1", "[tokenizer][wordpiece_trainer]") {
  WordPieceTrainer trainer = small_trainer(100);
  trainer.feed("hug hug\nhug pug");
  // Alphabet in code point order: g h p u; then ##u ##g in the order met (h-u-g).
  CHECK(trainer.initial_vocabulary() ==
        std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "g", "h", "p", "u", "##u", "##g"});
  // (##u, ##g) occurs 3 + 1 = 4 times -> ##ug; then (h, ##ug) 3 times -> hug; then (p, ##ug) once -> pug.
  const std::vector<std::string> all = trainer.train();
  CHECK(std::vector<std::string>(all.begin() + 11, all.end()) == std::vector<std::string>{"##ug", "hug", "pug"});
  // min_frequency 2: (p, ##ug) occurs once, so pug is not made.
  WordPieceTrainer frequent = small_trainer(100, 2);
  frequent.feed("hug hug hug pug");
  CHECK(frequent.train().back() == "hug");
}

TEST_CASE("WordPieceTrainer: equal counts go to the pair with the smaller ids", "[tokenizer][wordpiece_trainer]") {
  // (a, ##b) and (c, ##d) both occur twice; a (id 5) is older than c (id 7), so "ab" comes first.
  // vocab_size 12 = 5 specials + a b c d + ##b ##d + one merge.
  WordPieceTrainer trainer = small_trainer(12);
  trainer.feed("cd ab cd ab");
  CHECK(trainer.train().back() == "ab");
  // The same words with the order of ##b and ##d swapped by hand: the ids decide, not the text.
  CHECK(trainer.train({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "##d", "##b"}).back() == "ab");
}

TEST_CASE("WordPieceTrainer: vocab_size below the initial vocabulary keeps it whole", "[tokenizer][wordpiece_trainer]") {
  WordPieceTrainer trainer = small_trainer(3);
  trainer.feed("abc abc");
  CHECK(trainer.train().size() == 5 + 3 + 2);  // specials, a b c, ##b ##c: nothing is cut, nothing merged
}

TEST_CASE("WordPieceTrainer: initial_part_of reads the top of a vocab.txt", "[tokenizer][wordpiece_trainer]") {
  WordPieceTrainerOptions options;
  options.special_tokens = kSpecials;
  const std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "é",
                                          "##é",   "##a",   "##ab",  "aé"};
  CHECK(bertlab::tokenizer::initial_part_of(vocab, options) ==
        std::vector<std::string>(vocab.begin(), vocab.begin() + 9));
}

TEST_CASE("WordPieceTrainer: bad input is a one-line error", "[tokenizer][wordpiece_trainer]") {
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(small_trainer(0), Contains("vocab_size: expected at least 1, got 0"));
  WordPieceTrainer trainer = small_trainer(100);
  REQUIRE_THROWS_WITH(trainer.feed_file("/nonexistent/corpus.txt"), Contains("cannot read /nonexistent/corpus.txt"));
  const fs::path bad = fs::temp_directory_path() / "bertlab_wordpiece_trainer_bad_utf8.txt";
  std::ofstream(bad) << "hello world\nab\xff" "cd\n";
  REQUIRE_THROWS_WITH(trainer.feed_file(bad.string()),
                      Contains(bad.string() + ":2: decode_utf8: invalid UTF-8") && Contains("byte 0xff at byte offset 2"));
  fs::remove(bad);
}

// Trains on each manifest case whose corpus is in ../shared (from_shared) or in the repository,
// and compares with HF's vocab.txt for it, line for line.
static void check_reference_vocabularies(bool from_shared) {
  std::ifstream manifest_file(kWordpieceFixtures / "manifest.json");
  REQUIRE(manifest_file);
  const nlohmann::json manifest = nlohmann::json::parse(manifest_file);
  for (const nlohmann::json& c : manifest["cases"]) {
    if (c["corpus"].contains("shared") != from_shared) continue;
    const std::string name = c["name"].get<std::string>();
    SECTION(name) {
      WordPieceTrainerOptions options;
      options.vocab_size = c["vocab_size"].get<size_t>();
      options.min_frequency = c["min_frequency"].get<uint64_t>();
      options.limit_alphabet = c["limit_alphabet"].get<size_t>();
      options.special_tokens = manifest["special_tokens"].get<std::vector<std::string>>();
      std::optional<bool> strip_accents;
      if (!c["strip_accents"].is_null()) strip_accents = c["strip_accents"].get<bool>();
      WordPieceTrainer trainer(options, BasicTokenizer(c["lowercase"].get<bool>(), strip_accents));
      if (!feed_corpus(trainer, c["corpus"])) continue;

      const std::vector<std::string> hf = trainer_lines(kWordpieceFixtures / c["vocab"].get<std::string>());
      const std::vector<std::string> hf_initial = bertlab::tokenizer::initial_part_of(hf, options);
      // The same initial tokens (HF draws their order, and among equally rare characters which to
      // drop for limit_alphabet), but for the unassigned code points and noncharacters HF keeps and
      // BasicTokenizer deletes (docs/tokenizer.md).
      if (!c["alphabet_tie_at_limit"].get<bool>()) {
        const std::vector<std::string> ours = trainer.initial_vocabulary();
        std::set<std::string> expected(hf_initial.begin(), hf_initial.end());
        for (const auto& token : c["hf_only_tokens"]) expected.erase(token.get<std::string>());
        CHECK(std::set<std::string>(ours.begin(), ours.end()) == expected);
        CHECK(ours.size() == expected.size());
      }
      // From HF's initial order on, every merge as HF made it.
      const std::vector<std::string> vocab = trainer.train(hf_initial);
      REQUIRE(vocab.size() == hf.size());
      for (size_t id = 0; id < hf.size(); ++id) {
        CAPTURE(name, id);
        REQUIRE(vocab[id] == hf[id]);
      }
    }
  }
}

TEST_CASE("WordPieceTrainer: HF's reference vocabularies on the repository's corpora, line for line", "[tokenizer][wordpiece_trainer][golden]") {
  check_reference_vocabularies(false);
}

// Larger corpora that only the project's machines have (a learner's clone skips, CI must run it).
TEST_CASE("WordPieceTrainer: HF's reference vocabularies on the shared datasets, line for line", "[tokenizer][wordpiece_trainer][golden]") {
  check_reference_vocabularies(true);
}

TEST_CASE("bertlab train-tokenizer: writes HF's vocab.txt and a config BertTokenizer loads", "[tokenizer][wordpiece_trainer][cli]") {
  const fs::path out = fs::temp_directory_path() / "bertlab_train_tokenizer_cli";
  fs::remove_all(out);
  const fs::path corpus = kWordpieceFixtures / "corpus.txt";
  const fs::path hf = kWordpieceFixtures / "cased.vocab.txt";
  const auto run = bertlab::testing::run_bertlab(
      "train-tokenizer --corpus \"" + corpus.string() + "\" --vocab-size 600 --no-lowercase --out \"" + out.string() +
      "\" --initial-vocab \"" + hf.string() + "\"");
  REQUIRE(run.exit_code == 0);
  CHECK(bertlab::testing::read_file(out / "vocab.txt") == bertlab::testing::read_file(hf));
  // tokenizer_config.json says the text is cased: "The" and "the" are two tokens of the vocab.
  const auto tokenizer = bertlab::tokenizer::BertTokenizer::from_pretrained(out.string());
  CHECK(tokenizer.tokenize("The pug, the Ab") == std::vector<std::string>{"The", "pug", ",", "the", "Ab"});

  const auto bad = bertlab::testing::run_bertlab("train-tokenizer --corpus /nonexistent.txt --vocab-size 10 --out \"" +
                                                 out.string() + "\"");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Matchers::Contains("cannot read /nonexistent.txt"));
  fs::remove_all(out);
}
