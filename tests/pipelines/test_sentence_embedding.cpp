// Sentence-embedding pooling (pipelines/sentence_embedding.h) on inputs small enough to check by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "pipelines/sentence_embedding.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"
#include "tests/support/gradcheck.h"

using namespace bertlab;
using namespace bertlab::pipelines;
using namespace bertlab::testing;

namespace {
// Two sentences, S = 3, H = 2. Row 0: (1, 2), (3, 4) and padding (9, 9); row 1: only (5, 6) is real.
Tensor tokens() { return Tensor::from_vector({1, 2, 3, 4, 9, 9, 5, 6, 7, 7, 8, 8}, {2, 3, 2}); }
IntTensor mask() { return IntTensor({1, 1, 0, 1, 0, 0}, {2, 3}); }
}  // namespace

TEST_CASE("mean_pooling: averages only the tokens the attention mask keeps", "[bert][sentence]") {
  // Row 0: ((1+3)/2, (2+4)/2) = (2, 3); the padding (9, 9) is ignored. Row 1: (5, 6) alone.
  CHECK_THAT(mean_pooling(tokens(), mask()), AllClose(Tensor::from_vector({2, 3, 5, 6}, {2, 2}), 1e-6, 0));
}

TEST_CASE("mean_pooling: a row of padding only pools to zeros, not NaN", "[bert][sentence]") {
  // The count is clamped to 1e-9, as in sentence-transformers: 0 / 1e-9 = 0.
  const Tensor out = mean_pooling(tokens(), IntTensor({1, 1, 1, 0, 0, 0}, {2, 3}));
  CHECK_THAT(out, AllClose(Tensor::from_vector({13.0f / 3, 5, 0, 0}, {2, 2}), 1e-6, 0));
}

TEST_CASE("mean_pooling: shapes that do not fit are an error naming both", "[bert][sentence]") {
  REQUIRE_THROWS_WITH(mean_pooling(tokens(), IntTensor({1, 1, 1}, {1, 3})),
                      Catch::Contains("expected token_embeddings [B, S, H] and attention_mask [B, S], got "
                                      "[2, 3, 2] and [1, 3]"));
}

TEST_CASE("cls_pooling: takes each row's first token", "[bert][sentence]") {
  CHECK_THAT(cls_pooling(tokens()), AllClose(Tensor::from_vector({1, 2, 5, 6}, {2, 2}), 0, 0));
}

TEST_CASE("normalize: scales each vector to length 1 and leaves a zero vector zero", "[bert][sentence]") {
  // (2, 3) / sqrt(13); (3, 4) / 5; (0, 0) / max(0, eps) = (0, 0).
  const Tensor x = Tensor::from_vector({2, 3, 3, 4, 0, 0}, {3, 2});
  const float r13 = std::sqrt(13.0f);
  CHECK_THAT(normalize(x), AllClose(Tensor::from_vector({2 / r13, 3 / r13, 0.6f, 0.8f, 0, 0}, {3, 2}), 1e-7, 0));
}

TEST_CASE("normalize: gradient matches finite differences", "[bert][sentence]") {
  gradcheck([](const auto& in) { return normalize(in[0]); }, {randn_param({3, 4}, 7)});
}

TEST_CASE("cos_sim: 1 for parallel, 0 for orthogonal, -1 for opposite vectors", "[bert][sentence]") {
  const Tensor a = Tensor::from_vector({1, 0, 2, 2}, {2, 2});           // (1, 0) and (2, 2)
  const Tensor b = Tensor::from_vector({3, 0, 0, 5, -1, -1}, {3, 2});   // (3, 0), (0, 5), (-1, -1)
  // cos((1,0),(3,0)) = 1, cos((1,0),(0,5)) = 0, cos((1,0),(-1,-1)) = -1/√2;
  // cos((2,2),(3,0)) = 1/√2, cos((2,2),(0,5)) = 1/√2, cos((2,2),(-1,-1)) = -1.
  const float s = 1 / std::sqrt(2.0f);
  CHECK_THAT(cos_sim(a, b), AllClose(Tensor::from_vector({1, 0, -s, s, s, -1}, {2, 3}), 1e-6, 0));
  REQUIRE_THROWS_WITH(cos_sim(a, Tensor::zeros({2, 3})), Catch::Contains("expected a [M, H] and b [N, H]"));
}
