// `bertlab lab`, end to end: every notebook cell on the tiny fixture (structure, and the
// tokenizer's exact outputs, since its vocab is bert-base-uncased's), the notebook's own
// numbers when bert-base-uncased is in the HF cache, and the message when no checkpoint exists.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "examples/lab/python_print.h"
#include "tests/support/fixtures.h"
#include "tests/support/page_quotes.h"  // defines: quoted_output_lines
#include "tests/support/run_bertlab.h"  // defines: run_bertlab, Run
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using bertlab::testing::Run;
using bertlab::testing::run_bertlab;

namespace {

// In [19]'s output: per sentence, the 5 (word, probability) lines "[MASK] -> \tword : 0.123456".
std::vector<std::vector<std::pair<std::string, double>>> parse_predictions(const std::string& out) {
  std::vector<std::vector<std::pair<std::string, double>>> sentences;
  std::istringstream lines(out.substr(out.find("In [19]:")));
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 2 && std::isdigit(static_cast<unsigned char>(line[0])) && line[1] == '.') sentences.emplace_back();
    const std::string prefix = "[MASK] -> \t";
    if (line.rfind(prefix, 0) != 0 || sentences.empty()) continue;
    const size_t colon = line.rfind(" : ");
    sentences.back().emplace_back(line.substr(prefix.size(), colon - prefix.size()), std::stod(line.substr(colon + 3)));
  }
  return sentences;
}

// The tokenizer cells print exactly what the notebook printed (In [4]..In [8]); the ids only with
// bert-base-uncased's vocab (the repository's tiny fixture has a small one: same tokens, other ids).
void check_tokenizer_cells(const std::string& out, bool ids = true) {
  if (ids) {
    CHECK_THAT(out, Contains("{'input_ids': [101, 2023, 2003, 1037, 3231, 6251, 102], 'token_type_ids': [0, 0, 0, "
                             "0, 0, 0, 0], 'attention_mask': [1, 1, 1, 1, 1, 1, 1]}"));
  }
  CHECK_THAT(out, Contains("Out[5]: ['[CLS]', 'this', 'is', 'a', 'test', 'sentence', '[SEP]']"));
  CHECK_THAT(out, Contains("['[CLS]', 'during', 'the', 'weekend', ',', 'our', 'team', 'participated', 'in', 'a', "
                           "'hack', '##ath', '##on', ',', 'where', 'we', 'developed', 'an', 'innovative', 'app', "
                           "'for', 'tracking', 'daily', 'water', 'intake', '[SEP]']"));
  if (!ids) return;
  CHECK_THAT(out, Contains("{'input_ids': [101, 2026, 3899, 2003, 19372, 2058, 1996, 2341, 102, 1996, 6518, 1997, "
                           "20229, 17776, 16324, 3561, 1996, 3829, 102], 'token_type_ids': [0, 0, 0, 0, 0, 0, 0, 0, "
                           "0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"));
  // In [8], as torch 1.13 prints these tensors (checked with /usr/bin/python3).
  CHECK_THAT(out, Contains("{'input_ids': tensor([[  101,  2026,  3899,  2003, 19372,  2058,  1996,   102,  1996,  "
                           "6518,\n          1997, 20229, 17776, 16324,   102]]), 'token_type_ids': tensor([[0, 0, "
                           "0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]]), 'attention_mask': tensor([[1, 1, 1, 1, 1, 1, "
                           "1, 1, 1, 1, 1, 1, 1, 1, 1]])}\n['[CLS]', 'my', 'dog', 'is', 'barking', 'over', 'the', "
                           "'[SEP]', 'the', 'scent', 'of', 'freshly', 'baked', 'cookies', '[SEP]']"));
}

// On stderr, what transformers logs in the notebook, word for word: In [8]'s truncation notice and
// In [14]'s unused weights (the fixture is a BertForMaskedLM checkpoint with a pooler and an NSP
// head, as bert-base-uncased). In [9] loads a bare BertModel, which is not the checkpoint's
// architecture: transformers says nothing there.
void check_warnings(const std::string& err, const std::string& model) {
  CHECK_THAT(err, Contains("Be aware, overflowing tokens are not returned for the setting you have chosen, i.e. "
                           "sequence pairs with the 'longest_first' truncation strategy. So the returned list will "
                           "always be empty even if some tokens have been removed.\n"));
  CHECK_THAT(err, Contains(fmt::format(
                      "Some weights of the model checkpoint at {} were not used when initializing BertForMaskedLM: "
                      "['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'cls.seq_relationship.bias', "
                      "'cls.seq_relationship.weight']\n"
                      "- This IS expected if you are initializing BertForMaskedLM from the checkpoint of a model "
                      "trained on another task or with another architecture (e.g. initializing a "
                      "BertForSequenceClassification model from a BertForPreTraining model).\n"
                      "- This IS NOT expected if you are initializing BertForMaskedLM from the checkpoint of a model "
                      "that you expect to be exactly identical (initializing a BertForSequenceClassification model "
                      "from a BertForSequenceClassification model).\n",
                      model)));
  CHECK_THAT(err, !Contains("initializing BertModel"));
}

// The HF cache folder of bert-base-uncased, if a Python user's cache holds a complete snapshot.
std::optional<fs::path> cached_bert_base_uncased(std::string& looked_in) {
  fs::path hub;
  if (const char* v = std::getenv("HF_HUB_CACHE"); v && *v) hub = v;
  else if (const char* h = std::getenv("HF_HOME"); h && *h) hub = fs::path(h) / "hub";
  else if (const char* home = std::getenv("HOME"); home && *home) hub = fs::path(home) / ".cache" / "huggingface" / "hub";
  const fs::path snapshots = hub / "models--bert-base-uncased" / "snapshots";
  looked_in = snapshots.string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(snapshots, ec)) {
    const fs::path dir = entry.path();
    if (fs::exists(dir / "config.json") && fs::exists(dir / "model.safetensors") && fs::exists(dir / "vocab.txt"))
      return dir;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("torch_repr: wraps a long row as torch does", "[lab][cli]") {
  // print(torch.tensor([[5] * 40])) in torch 1.13: 24 one-digit numbers per line.
  bertlab::tokenizer::Encoding e;
  e.input_ids.assign(40, 5);
  e.token_type_ids.assign(2, 0);
  e.attention_mask.assign(2, 1);
  auto fives = [](int n) {  // "5, 5, ..., 5": n of them
    std::string out = "5";
    for (int i = 1; i < n; ++i) out += ", 5";
    return out;
  };
  CHECK(bertlab::lab::torch_repr(e) == "{'input_ids': tensor([[" + fives(24) + ",\n         " + fives(16) +
                                           "]]), 'token_type_ids': tensor([[0, 0]]), 'attention_mask': tensor([[1, 1]])}");
}

TEST_CASE("bertlab lab: every cell runs on the tiny fixture model", "[lab][cli]") {
  const auto dir = bertlab::testing::fixture("models/tiny-bert");
  if (!dir) return;
  const Run run = run_bertlab(fmt::format("lab --model \"{}\"", dir->string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (int n = 3; n <= 19; ++n) CHECK_THAT(run.out, Contains(fmt::format("In [{}]: ", n)));
  const int64_t vocab_size = bertlab::testing::fixture_vocab_size(*dir);
  check_tokenizer_cells(run.out, vocab_size == 30522);
  check_warnings(run.err, dir->string());
  CHECK_THAT(run.out, Contains(fmt::format("Embedding({}, 32, padding_idx=0)", vocab_size)));
  CHECK_THAT(run.out, Contains("torch.Size([1, 26, 32])\ntorch.Size([1, 32])\n"));
  CHECK_THAT(run.out, Contains("In [17]: print(masked_positions)\n[2, 1, 2, 2, 6]\n"));
  const auto sentences = parse_predictions(run.out);
  REQUIRE(sentences.size() == 5);
  for (const auto& predictions : sentences) {
    REQUIRE(predictions.size() == 5);
    double sum = 0;
    for (size_t i = 0; i < predictions.size(); ++i) {
      sum += predictions[i].second;
      if (i > 0) CHECK(predictions[i].second <= predictions[i - 1].second);
    }
    CHECK(sum <= 1.0 + 1e-6);
    CHECK(sum > 0);
  }
}

TEST_CASE("bertlab lab: reproduces the notebook with bert-base-uncased from the HF cache", "[lab][golden][slow]") {
  std::string looked_in;
  const auto dir = cached_bert_base_uncased(looked_in);
  if (!dir) {  // CI has no hub: a skip, never a failure
    bertlab::testing::report_skip("bert-base-uncased not in the HF cache (looked in " + looked_in +
                                  "; needs config.json, model.safetensors, vocab.txt)");
    return;
  }
  const Run run = run_bertlab(fmt::format("lab --model \"{}\"", dir->string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  check_tokenizer_cells(run.out);
  check_warnings(run.err, dir->string());
  CHECK_THAT(run.out, Contains("Out[10]: 109482240"));
  CHECK_THAT(run.out, Contains("torch.Size([1, 26, 768])\ntorch.Size([1, 768])\n"));
  CHECK_THAT(run.out, Contains("[2, 1, 2, 2, 6]"));
  // In [19] of the notebook.
  const std::vector<std::vector<std::pair<std::string, double>>> notebook = {
      {{"children", 0.332728}, {"guests", 0.051293}, {"family", 0.040248}, {"kids", 0.035837}, {"girls", 0.025943}},
      {{"she", 0.817717}, {"liz", 0.004796}, {"sarah", 0.004576}, {"olivia", 0.003851}, {"emma", 0.003608}},
      {{"dog", 0.339979}, {"cat", 0.158903}, {"wolf", 0.028312}, {"bird", 0.026006}, {"animal", 0.022907}},
      {{"book", 0.646765}, {"journal", 0.171553}, {"magazine", 0.031010}, {"notebook", 0.022026},
       {"newspaper", 0.014822}},
      {{"bread", 0.664081}, {"bacon", 0.046929}, {"cookies", 0.046503}, {"food", 0.023037}, {"butter", 0.021571}}};
  const auto sentences = parse_predictions(run.out);
  REQUIRE(sentences.size() == notebook.size());
  for (size_t s = 0; s < notebook.size(); ++s) {
    REQUIRE(sentences[s].size() == 5);
    for (size_t i = 0; i < 5; ++i) {
      CAPTURE(s, i);
      CHECK(sentences[s][i].first == notebook[s][i].first);
      // Printed with 6 decimals; float32 sums in another order may move the last digit by one.
      CHECK(sentences[s][i].second == Approx(notebook[s][i].second).margin(1.5e-6));
    }
  }
}

// An empty HF cache and no network: what a learner's fresh clone sees.
std::string offline_env(const fs::path& empty_cache) {
  return fmt::format("HF_HUB_CACHE=\"{}\" HF_HOME=\"{}\" HF_HUB_OFFLINE=1 HF_ENDPOINT=http://127.0.0.1:9",
                     empty_cache.string(), empty_cache.string());
}

TEST_CASE("bertlab lab: a model named but not there: it says how to get one and exits non-zero", "[lab][cli]") {
  bertlab::testing::ScratchDir empty("lab_named_model_cache");
  const Run run = run_bertlab("lab --model bert-base-uncased", offline_env(empty.path));
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.err, Contains("error: "));
  CHECK_THAT(run.err, Contains("--model <folder>"));
  CHECK_THAT(run.err, Contains("models--bert-base-uncased/snapshots/"));
  CHECK_THAT(run.err, Contains("./build/examples/bertlab demo"));
}

TEST_CASE("bertlab lab: offline without bert-base-uncased it runs on bertlab-mini and says so first", "[lab][cli]") {
  bertlab::testing::ScratchDir empty("lab_offline_cache");
  const Run run = run_bertlab("lab", offline_env(empty.path));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.rfind("bert-base-uncased was not found; the lab runs on bertlab-mini, trained by `bertlab pretrain` "
                      "on 16 children's books from Project Gutenberg (models/bertlab-mini/README.md); its numbers "
                      "differ from the notebook's.\n",
                      0) == 0);
  check_tokenizer_cells(run.out);  // bert-base-uncased's vocabulary: the notebook's ids, exactly
  CHECK_THAT(run.out, Contains("Embedding(30522, 128, padding_idx=0)"));
  CHECK_THAT(run.out, Contains("In [17]: print(masked_positions)\n[2, 1, 2, 2, 6]\n"));
  // The model card quotes In [19]'s answers: they must be what the lab prints.
  std::string quoted;  // the card's quoted output: its In [19] block
  for (const std::string& line :
       bertlab::testing::quoted_output_lines(fs::path(BERTLAB_SOURCE_DIR) / "models" / "bertlab-mini" / "README.md"))
    quoted += line + "\n";
  const auto sentences = parse_predictions(run.out), in_card = parse_predictions(quoted);
  REQUIRE(sentences.size() == 5);
  REQUIRE(in_card.size() == 5);
  for (size_t s = 0; s < 5; ++s) {
    REQUIRE(sentences[s].size() == 5);
    REQUIRE(in_card[s].size() == 5);
    for (size_t i = 0; i < 5; ++i) {
      CAPTURE(s, i);
      CHECK(sentences[s][i].first == in_card[s][i].first);
      // Another CPU's kernels, or the sanitizer build's -O1, sum in another order, and bertlab-mini
      // magnifies float32's rounding (its attention scores reach 360: docs/quantization.md): the
      // -O1 build printed scores up to 1.3e-4 (relative) off the Release build's. A card from
      // another model would be off in the first digits.
      CHECK(sentences[s][i].second == Approx(in_card[s][i].second).epsilon(5e-3).margin(1.5e-6));
    }
  }
}

TEST_CASE("bertlab fill-mask: a text without a mask token is a clear error", "[lab][cli]") {
  const auto dir = bertlab::testing::fixture("models/tiny-bert");
  if (!dir) return;
  const Run run = run_bertlab(fmt::format("fill-mask \"no mask here\" --model \"{}\"", dir->string()));
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Contains("error: fill_mask: no [MASK] in the text"));
  const Run ok = run_bertlab(fmt::format("fill-mask \"the [MASK] sat.\" --model \"{}\" --top-k 3", dir->string()));
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Contains("[MASK] #1"));
}
