// Grades exercises/attention_forward: two cases small enough to work out by hand, then random
// heads and masks against the library's scaled_dot_product_attention.
#include "bert/model.h"  // defines: extended_attention_mask
#include "exercises/attention_forward/attention_forward.h"
#include "exercises/grader.h"
#include "nn/multi_head_attention.h"  // defines: scaled_dot_product_attention
#include "tensor/autograd.h"          // defines: NoGradGuard

using namespace bertlab;
using namespace bertlab::exercises;

namespace {

Tensor library(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask) {
  nn::Dropout no_dropout(0.0f);
  no_dropout.eval();
  return nn::scaled_dot_product_attention(q, k, v, mask, no_dropout).context_layer;
}

// A mask of random 0/1 with at least the first key kept (the tokenizer always keeps [CLS]).
IntTensor random_mask(int64_t B, int64_t S, Generator& gen) {
  IntTensor mask = random_ints({B, S}, 0, 2, gen);
  for (int64_t b = 0; b < B; ++b) mask.data[b * S] = 1;
  return mask;
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "attention_forward", "nn/multi_head_attention.cpp › scaled_dot_product_attention");
  NoGradGuard no_grad;

  grader.check("one key: every query's context is that key's value", [&] {
    const Tensor q = Tensor::from_vector({1, 2}, {1, 1, 1, 2}), k = Tensor::from_vector({3, -1}, {1, 1, 1, 2});
    const Tensor v = Tensor::from_vector({0.5f, -7}, {1, 1, 1, 2});
    return compare(attention_forward(q, k, v, Tensor()), v, 1e-6);
  });
  grader.check("equal scores, third key padded: the context is the mean of the first two values", [&] {
    const Tensor q = Tensor::zeros({1, 1, 1, 2}), k = Tensor::ones({1, 1, 3, 2});
    const Tensor v = Tensor::from_vector({1, 2, 3, 4, 100, 100}, {1, 1, 3, 2});
    const Tensor mask = bert::extended_attention_mask(IntTensor({1, 1, 0}, {1, 3}));
    return compare(attention_forward(q, k, v, mask), Tensor::from_vector({2, 3}, {1, 1, 1, 2}), 1e-6);
  });
  grader.check("the scores are divided by √D: q·k = 4 with D = 4 gives weights softmax([2, 0])", [&] {
    const Tensor q = Tensor::ones({1, 1, 1, 4}), k = Tensor::from_vector({1, 1, 1, 1, 0, 0, 0, 0}, {1, 1, 2, 4});
    const Tensor v = Tensor::from_vector({1, 0, 0, 0, 0, 1, 0, 0}, {1, 1, 2, 4});
    const float p = 1.0f / (1.0f + std::exp(-2.0f));  // softmax([2, 0])[0]
    return compare(attention_forward(q, k, v, Tensor()), Tensor::from_vector({p, 1 - p, 0, 0}, {1, 1, 1, 4}), 1e-6);
  });

  struct Case { int64_t B, N, S, D; };
  for (const Case& c : {Case{1, 1, 5, 3}, Case{2, 4, 7, 8}, Case{3, 12, 26, 16}}) {
    grader.check(fmt::format("random [{}, {}, {}, {}] with a padding mask, against the library", c.B, c.N, c.S, c.D), [&] {
      Generator gen(c.S);
      const Tensor q = random_tensor({c.B, c.N, c.S, c.D}, gen), k = random_tensor({c.B, c.N, c.S, c.D}, gen);
      const Tensor v = random_tensor({c.B, c.N, c.S, c.D}, gen);
      const Tensor mask = bert::extended_attention_mask(random_mask(c.B, c.S, gen));
      return compare(attention_forward(q, k, v, mask), library(q, k, v, mask), 1e-5, 1e-4);
    });
  }
  grader.check("random [2, 2, 6, 4] without a mask (undefined Tensor), against the library", [&] {
    Generator gen(3);
    const Tensor q = random_tensor({2, 2, 6, 4}, gen), k = random_tensor({2, 2, 6, 4}, gen), v = random_tensor({2, 2, 6, 4}, gen);
    return compare(attention_forward(q, k, v, Tensor()), library(q, k, v, Tensor()), 1e-5, 1e-4);
  });
  return grader.finish();
}
