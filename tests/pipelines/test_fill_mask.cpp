// Fill-mask: positions, softmax top-k on hand-made logits, and the whole pipeline against the
// golden logits of the tiny fixture (made with PyTorch + HF, see fixtures/models/tiny-bert).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "bert/checkpoint.h"
#include "pipelines/fill_mask.h"
#include "tensor/safetensors.h"
#include "tokenizer/bert_tokenizer.h"
#include "tests/support/fixtures.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::pipelines;
using Catch::Matchers::Contains;

TEST_CASE("mask_positions: every position holding the mask id, in order", "[bert][fill_mask]") {
  CHECK(mask_positions({101, 1996, 103, 2938, 103, 102}, 103) == std::vector<int64_t>{2, 4});
  CHECK(mask_positions({101, 102}, 103).empty());
}

TEST_CASE("top_k_probabilities: softmax at one position, most probable first", "[bert][fill_mask]") {
  // Position 1 holds log(1), log(2), log(3), log(2): softmax = 1/8, 2/8, 3/8, 2/8.
  const Tensor logits = Tensor::from_vector({9, 9, 9, 9, 0, std::log(2.f), std::log(3.f), std::log(2.f)}, {1, 2, 4});
  const auto top = top_k_probabilities(logits, 1, 3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].token == 2);
  CHECK(top[0].probability == Approx(0.375).epsilon(1e-6));
  CHECK(top[1].token == 1);  // ties (ids 1 and 3, both 2/8): the smaller id first
  CHECK(top[2].token == 3);
  CHECK(top[2].probability == Approx(0.25).epsilon(1e-6));
  CHECK_THROWS_WITH(top_k_probabilities(logits, 2, 3), Contains("position out of range"));
  CHECK_THROWS_WITH(top_k_probabilities(logits, 0, 5), Contains("expected 1 <= k <= 4"));
}

TEST_CASE("fill_mask: top-5 equal softmax of the golden MLM logits (tiny-bert)", "[bert][fill_mask][golden]") {
  const auto dir = testing::fixture("models/tiny-bert");
  if (!dir) return;
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained(dir->string());
  const auto model = from_pretrained<BertForMaskedLM>(*dir);
  // Golden row 0 is "[CLS] this is a [MASK] sentence [SEP]" + padding; padding cannot change
  // the real tokens' logits, so position 4 of the unpadded text must give the same numbers.
  const auto predictions = fill_mask(*model, tokenizer, "This is a [MASK] sentence", 5);
  REQUIRE(predictions.size() == 1);
  REQUIRE(predictions[0].size() == 5);

  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  const Tensor logits = golden.tensor("mlm_logits");  // [3, 12, V]
  const int64_t V = logits.size(2);
  const float* row = logits.data() + 4 * V;  // batch 0, position 4
  // softmax in double, by hand
  const double max = *std::max_element(row, row + V);
  double sum = 0;
  for (int64_t v = 0; v < V; ++v) sum += std::exp(row[v] - max);
  std::vector<int64_t> ids(V);
  std::iota(ids.begin(), ids.end(), 0);
  std::partial_sort(ids.begin(), ids.begin() + 5, ids.end(), [row](int64_t a, int64_t b) { return row[a] > row[b]; });
  for (int i = 0; i < 5; ++i) {
    const FillMaskPrediction& p = predictions[0][i];
    CAPTURE(i, p.token_str, p.sequence);
    CHECK(p.token == ids[i]);
    CHECK(p.score == Approx(std::exp(row[ids[i]] - max) / sum).margin(1e-6));
    CHECK(p.token_str == tokenizer.convert_ids_to_tokens(ids[i]));
    // One [MASK]: the sequence is the lower-cased text with no [CLS]/[SEP].
    CHECK(p.sequence.rfind("this is a", 0) == 0);
    CHECK(p.sequence.find("[CLS]") == std::string::npos);
  }
}

TEST_CASE("fill_mask: one list per mask, and each sequence keeps the other masks", "[bert][fill_mask]") {
  const auto dir = testing::fixture("models/tiny-bert");
  if (!dir) return;
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained(dir->string());
  const auto model = from_pretrained<BertForMaskedLM>(*dir);
  const auto predictions = fill_mask(*model, tokenizer, "The [MASK] sat on the [MASK].", 3);
  REQUIRE(predictions.size() == 2);
  for (const auto& row : predictions) {
    REQUIRE(row.size() == 3);
    CHECK(row[0].score >= row[1].score);
    CHECK(row[1].score >= row[2].score);
    CHECK(row[0].sequence.find("[MASK]") != std::string::npos);  // HF: skip_special_tokens=False
    CHECK(row[0].sequence.rfind("[CLS]", 0) == 0);
  }
  CHECK_THROWS_WITH(fill_mask(*model, tokenizer, "No mask here.", 5),
                    Contains("fill_mask: no [MASK] in the text") && Contains("No mask here."));
}

TEST_CASE("top_k_probabilities: with candidates only they compete, and k is capped at their number", "[bert][fill_mask]") {
  const Tensor logits = Tensor::from_vector({0, std::log(2.f), std::log(3.f), std::log(2.f)}, {1, 1, 4});
  const auto top = top_k_probabilities(logits, 0, 5, {0, 3});  // k = 5 > 2 candidates: capped, as HF does
  REQUIRE(top.size() == 2);
  CHECK(top[0].token == 3);
  CHECK(top[0].probability == Approx(0.25).epsilon(1e-6));  // still a probability over the whole vocabulary
  CHECK(top[1].token == 0);
  CHECK_THROWS_WITH(top_k_probabilities(logits, 0, 1, {4}), Contains("candidate id out of range"));
}

// pipeline("fill-mask") itself, on the repository's tiny-bert (tests/golden/make_fill_mask_golden.py):
// top_k, targets (one replaced by its first wordpiece) and two [MASK]s in one text. This golden
// belongs to the repository's tiny-bert only, so it is read from tests/fixtures, not every root.
TEST_CASE("fill_mask: the fill-mask pipeline's own answers, with top_k, targets and two masks", "[bert][fill_mask][golden]") {
  const std::filesystem::path fixtures = std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures";
  const auto model = from_pretrained<BertForMaskedLM>((fixtures / "models" / "tiny-bert").string());
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained((fixtures / "models" / "tiny-bert").string());
  std::ifstream file(fixtures / "fill-mask" / "tiny-bert.json");
  const nlohmann::json cases = nlohmann::json::parse(file);
  REQUIRE(cases.size() == 4);
  for (const nlohmann::json& c : cases) {
    const std::string text = c["text"];
    const std::vector<std::string> targets = c["targets"].is_null() ? std::vector<std::string>{} : c["targets"].get<std::vector<std::string>>();
    CAPTURE(text, targets);
    const auto ours = fill_mask(*model, tokenizer, text, c["top_k"].get<int64_t>(), targets);
    const nlohmann::json& theirs = c["result"];
    REQUIRE(ours.size() == theirs.size());  // one list per [MASK]
    for (size_t m = 0; m < ours.size(); ++m) {
      REQUIRE(ours[m].size() == theirs[m].size());
      for (size_t i = 0; i < ours[m].size(); ++i) {
        CAPTURE(m, i);
        CHECK(ours[m][i].token == theirs[m][i]["token"].get<int64_t>());
        CHECK(ours[m][i].score == Approx(theirs[m][i]["score"].get<double>()).epsilon(1e-5));
        CHECK(ours[m][i].token_str == theirs[m][i]["token_str"].get<std::string>());
        CHECK(ours[m][i].sequence == theirs[m][i]["sequence"].get<std::string>());
      }
    }
  }
  CHECK_THROWS_WITH(fill_mask(*model, tokenizer, "the [MASK].", 5, {""}), Contains("at least one target"));
}
