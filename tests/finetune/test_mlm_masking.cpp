// The MLM collator's rules and statistics (HF's DataCollatorForLanguageModeling and
// DataCollatorForWholeWordMask): 15% chosen, of those 80% [MASK] / 10% random / 10% kept, labels
// -100 elsewhere, special tokens and padding never chosen, fresh masks per epoch, whole words.
// The masks are drawn from our own generator, so these are checked as rules and frequencies over
// many draws, not against PyTorch's particular masks.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "finetune/mlm_masking.h"  // defines: MlmVocabulary, mask_key, mask_tokens, collate_mlm

using namespace bertlab;

namespace {

// [PAD] [UNK] [CLS] [SEP] [MASK], then 40 words w0..w39 (ids 5..44), then ##a ##b ##c (45..47).
tokenizer::BertTokenizer masking_tokenizer() {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (int w = 0; w < 40; ++w) tokens.push_back(fmt::format("w{}", w));
  for (const char* piece : {"##a", "##b", "##c"}) tokens.push_back(piece);
  return tokenizer::BertTokenizer(tokenizer::Vocab(tokens));
}
constexpr int64_t kPad = 0, kUnk = 1, kCls = 2, kSep = 3, kMaskId = 4, kFirstWord = 5, kPieceA = 45, kPieceB = 46;

// [CLS] w.. (n words) [SEP]
std::vector<int64_t> sentence(int64_t n, int64_t shift = 0) {
  std::vector<int64_t> ids = {kCls};
  for (int64_t i = 0; i < n; ++i) ids.push_back(kFirstWord + (i + shift) % 40);
  ids.push_back(kSep);
  return ids;
}

}  // namespace

TEST_CASE("mask_tokens: 15% chosen, then 80% MASK, 10% random, 10% kept, and labels -100 elsewhere",
          "[finetune][pretrain]") {
  const auto vocab = finetune::MlmVocabulary::of(masking_tokenizer());
  const finetune::MlmMaskingOptions options;
  int64_t positions = 0, chosen = 0, masked = 0, random = 0, kept = 0;
  for (int64_t example = 0; example < 2000; ++example) {
    const auto ids = sentence(126, example);
    const auto out = finetune::mask_tokens(ids, vocab, options, finetune::mask_key(7, 0, example));
    REQUIRE(out.input_ids.size() == ids.size());
    REQUIRE(out.labels.size() == ids.size());
    for (size_t i = 1; i + 1 < ids.size(); ++i) {
      ++positions;
      if (out.labels[i] == -100) {
        CHECK(out.input_ids[i] == ids[i]);  // not chosen: seen as is, and no loss there
        continue;
      }
      ++chosen;
      CHECK(out.labels[i] == ids[i]);  // the label is the original token
      if (out.input_ids[i] == kMaskId) ++masked;
      else if (out.input_ids[i] != ids[i]) ++random;
      else ++kept;
      CHECK((out.input_ids[i] >= 0 && out.input_ids[i] < vocab.size));
    }
  }
  // 252,000 positions: the binomial standard deviations are ~0.07% (chosen), ~0.2% (80/10/10).
  const double p_chosen = static_cast<double>(chosen) / static_cast<double>(positions);
  CHECK(std::abs(p_chosen - 0.15) < 0.004);
  const auto share = [&](int64_t n) { return static_cast<double>(n) / static_cast<double>(chosen); };
  CHECK(std::abs(share(masked) - 0.8) < 0.01);
  // A random draw is the original token 1 time in 48 (the vocabulary's size): it then counts as kept.
  CHECK(std::abs(share(random) - 0.1 * 47.0 / 48.0) < 0.01);
  CHECK(std::abs(share(kept) - (0.1 + 0.1 / 48.0)) < 0.01);
}

TEST_CASE("mask_tokens: special tokens are never chosen, whatever the draws", "[finetune][pretrain]") {
  const auto vocab = finetune::MlmVocabulary::of(masking_tokenizer());
  finetune::MlmMaskingOptions options;
  options.mlm_probability = 1.0;  // every token a candidate: only the rule can protect the specials
  const std::vector<int64_t> ids = {kCls, kFirstWord, kUnk, kSep, kCls, kFirstWord + 1, kMaskId, kSep, kPad};
  for (int64_t example = 0; example < 200; ++example) {
    const auto out = finetune::mask_tokens(ids, vocab, options, finetune::mask_key(1, 0, example));
    for (size_t i : {0, 2, 3, 4, 6, 7, 8}) {
      CHECK(out.labels[i] == -100);
      CHECK(out.input_ids[i] == ids[i]);
    }
    CHECK(out.labels[1] == kFirstWord);
    CHECK(out.labels[5] == kFirstWord + 1);
  }
  CHECK_THROWS_WITH(finetune::mask_tokens({kCls, 48, kSep}, vocab, options, 0),
                    Catch::Matchers::Contains("out of range"));
  options.mlm_probability = 1.5;
  CHECK_THROWS_WITH(finetune::mask_tokens(ids, vocab, options, 0), Catch::Matchers::Contains("mlm_probability"));
  options.mlm_probability = 0.15;
  options.random_replace_prob = 0.3;  // with 0.8 [MASK]: 110%
  CHECK_THROWS_WITH(finetune::mask_tokens(ids, vocab, options, 0), Catch::Matchers::Contains("adding up to at most 1"));
}

TEST_CASE("mask_tokens: the same masks for the same (seed, epoch, example), fresh ones for another epoch",
          "[finetune][pretrain]") {
  const auto vocab = finetune::MlmVocabulary::of(masking_tokenizer());
  const auto ids = sentence(100);
  const finetune::MlmMaskingOptions options;
  const auto labels = [&](uint64_t seed, int64_t epoch, int64_t example) {
    return finetune::mask_tokens(ids, vocab, options, finetune::mask_key(seed, epoch, example)).labels;
  };
  CHECK(labels(42, 3, 5) == labels(42, 3, 5));
  CHECK(labels(42, 3, 5) != labels(42, 4, 5));
  CHECK(labels(42, 3, 5) != labels(42, 3, 6));
  CHECK(labels(42, 3, 5) != labels(43, 3, 5));
}

TEST_CASE("mask_tokens with whole_word_mask: all pieces of a word together, HF's count of tokens",
          "[finetune][pretrain]") {
  const auto vocab = finetune::MlmVocabulary::of(masking_tokenizer());
  finetune::MlmMaskingOptions options;
  options.whole_word_mask = true;
  // A block that starts inside a word: "##a" after [CLS] is a word of its own (HF: nothing before
  // it to join). Words: {##a}, {w0 ##a ##b}, {w1}, {w2 ##c}, {w3}, {w4}, {w5 ##a}, {w6}, then [SEP].
  // 16 tokens: num_to_predict = round(16 * 0.15) = round(2.4) = 2, so the three-piece word never fits.
  const std::vector<int64_t> ids = {kCls,          kPieceA,       kFirstWord, kPieceA,       kPieceB,
                                    kFirstWord + 1, kFirstWord + 2, 47,         kFirstWord + 3, kFirstWord + 4,
                                    kFirstWord + 5, kPieceA,       kFirstWord + 6, kSep,     kFirstWord + 7, kSep};
  const std::vector<std::vector<size_t>> words = {{1}, {2, 3, 4}, {5}, {6, 7}, {8}, {9}, {10, 11}, {12}, {14}};
  std::set<std::vector<int64_t>> distinct;
  for (int64_t example = 0; example < 500; ++example) {
    const auto out = finetune::mask_tokens(ids, vocab, options, finetune::mask_key(3, 0, example));
    int64_t n = 0;
    for (const auto& word : words) {
      const bool first = out.labels[word[0]] != -100;
      for (size_t i : word) CHECK((out.labels[i] != -100) == first);  // a word is chosen whole or not at all
      n += first ? static_cast<int64_t>(word.size()) : 0;
    }
    CHECK(out.labels[2] == -100);  // {w0 ##a ##b} has 3 tokens > 2: skipped, always
    CHECK(n == 2);                 // words are taken until exactly num_to_predict tokens (singles fill up)
    for (size_t i : {0, 13, 15}) CHECK(out.labels[i] == -100);  // [CLS], [SEP]
    distinct.insert(out.labels);
  }
  CHECK(distinct.size() > 10);  // the words are shuffled: many different choices
}

TEST_CASE("collate_mlm: pads to the longest example, no label and no attention on padding", "[finetune][pretrain]") {
  const std::vector<finetune::MaskedExample> examples = {{{kCls, kMaskId, kSep}, {-100, 9, -100}},
                                                         {{kCls, kFirstWord, kFirstWord, kFirstWord, kSep}, {-100, -100, 5, -100, -100}},
                                                         {{kCls, kSep}, {-100, -100}}};
  const auto batch = finetune::collate_mlm(examples, kPad);
  REQUIRE(batch.input_ids.shape == Shape{3, 5});
  CHECK(batch.input_ids.data == std::vector<int64_t>{kCls, kMaskId, kSep, kPad, kPad, kCls, kFirstWord, kFirstWord, kFirstWord,
                                                     kSep, kCls, kSep, kPad, kPad, kPad});
  CHECK(batch.attention_mask.data == std::vector<int64_t>{1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0});
  CHECK(batch.labels.data == std::vector<int64_t>{-100, 9, -100, -100, -100, -100, -100, 5, -100, -100, -100, -100,
                                                  -100, -100, -100});
  CHECK(batch.token_type_ids.data == std::vector<int64_t>(15, 0));
  CHECK(batch.num_tokens == 10);
}
