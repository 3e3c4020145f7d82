// fused_attention (inference only) against the composed ops it replaces: the same kernels on the
// same values in the same order, so the same bits, with and without padding masks, on 1 and 2
// threads, at sequence lengths short and long.
#include <catch2/catch.hpp>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "tensor/autograd.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"  // defines: same_bits

using namespace bertlab;
using bertlab::testing::same_bits;

namespace {

struct Composed {
  Tensor context, probs;
};

// split_heads -> q·kᵀ/√D -> softmax(+mask) -> ·v -> merge_heads, as MultiHeadAttention composes it.
Composed composed_attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t N, const Tensor& mask) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(q.size(2) / N));
  Tensor probs = softmax(matmul(split_heads(q, N), split_heads(k, N), false, true, scale), mask);
  return {merge_heads(matmul(probs, split_heads(v, N))), probs};
}

}  // namespace

TEST_CASE("fused_attention: bit for bit the composed ops, context and probabilities", "[ops][attention]") {
  const int64_t S = GENERATE(1, 5, 16, 17, 32, 33, 40), N = GENERATE(1, 3), threads = GENERATE(1, 2);
  const int64_t B = 2, D = 8, H = N * D;
  CAPTURE(S, N, threads);
  Generator gen(11);
  const Tensor q = Tensor::randn({B, S, H}, gen), k = Tensor::randn({B, S, H}, gen), v = Tensor::randn({B, S, H}, gen);
  Tensor mask = Tensor::zeros({B, 1, 1, S});  // sequence 1 is padded: its last two keys are dropped
  for (int64_t j = std::max<int64_t>(S - 2, 1); j < S; ++j)
    mask.data()[S + j] = -std::numeric_limits<float>::infinity();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(static_cast<int>(threads));
  for (const Tensor& m : {Tensor(), mask}) {
    const Composed want = composed_attention(q, k, v, N, m);
    Tensor probs;
    CHECK(same_bits(fused_attention(q, k, v, N, m, &probs), want.context));
    CHECK(same_bits(probs, want.probs));
    CHECK(same_bits(fused_attention(q, k, v, N, m), want.context));  // without keeping probs
  }
  omp_set_num_threads(saved);
}

TEST_CASE("fused_attention: one key gets probability 1, so the context is v", "[ops][attention]") {
  const std::vector<float> v = {7, 8, 9, 10};  // B = S = 1, H = 4, 2 heads
  Tensor probs;
  const Tensor context = fused_attention(Tensor::from_vector({1, 2, 3, 4}, {1, 1, 4}),
                                         Tensor::from_vector({-1, 0, 5, 2}, {1, 1, 4}),
                                         Tensor::from_vector(v, {1, 1, 4}), 2, Tensor(), &probs);
  CHECK(context.to_vector() == v);
  CHECK(probs.shape() == Shape{1, 2, 1, 1});
  CHECK(probs.data()[0] == 1.0f);
  CHECK(probs.data()[1] == 1.0f);
}

TEST_CASE("fused_attention: bad shapes and inputs that need a gradient are errors", "[ops][attention]") {
  Generator gen(3);
  const Tensor x = Tensor::randn({2, 5, 12}, gen);
  CHECK_THROWS_WITH(fused_attention(x, x, Tensor::randn({2, 4, 12}, gen), 3, Tensor()),
                    Catch::Contains("expected q, k, v of one shape [B, S, H]"));
  CHECK_THROWS_WITH(fused_attention(x, x, x, 5, Tensor()), Catch::Contains("not a multiple of 5 heads"));
  CHECK_THROWS_WITH(fused_attention(x, x, x, 3, Tensor::zeros({2, 1, 1, 4})),
                    Catch::Contains("fused_attention: shapes cannot be broadcast") && Catch::Contains("[2, 1, 1, 4]"));
  Tensor w = Tensor::randn({2, 5, 12}, gen);
  w.requires_grad_();
  CHECK_THROWS_WITH(fused_attention(w, x, x, 3, Tensor()), Catch::Contains("it has no backward"));
  NoGradGuard no_grad;  // with recording off, a parameter is just numbers
  CHECK(fused_attention(w, x, x, 3, Tensor()).shape() == Shape{2, 5, 12});
}
