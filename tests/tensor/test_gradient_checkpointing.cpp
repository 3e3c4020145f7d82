// checkpoint(): the segment's insides are recomputed in backward instead of kept, and the
// gradients come out the same, bit for bit, dropout included.
#include <catch2/catch.hpp>

#include "tensor/autograd.h"
#include "tensor/gradient_checkpointing.h"
#include "tensor/ops.h"
#include "tensor/random.h"

using namespace bertlab;

namespace {

// A segment with parameters and dropout: dropout(gelu(x·Wᵀ + b)), [B, S, 6] -> [B, S, 6].
struct Block {
  Tensor W, b;
  explicit Block(Generator& gen)
      : W(Tensor::randn({6, 6}, gen).requires_grad_()), b(Tensor::randn({6}, gen).requires_grad_()) {}
  Tensor operator()(const Tensor& x) const { return dropout(gelu(linear(x, W, b)), 0.3f, true, default_generator()); }
};

struct Grads {
  std::vector<float> x, W, b, out;
  uint64_t next_random;  // the default generator's next number after backward
};

Grads run(bool checkpointed, bool x_requires_grad) {
  Generator gen(7);
  Block block(gen);
  Tensor x = Tensor::randn({2, 3, 6}, gen);
  if (x_requires_grad) x.requires_grad_();
  default_generator().manual_seed(123);
  // The block twice in a row (its parameters get two contributions), then a loss that weighs
  // each output element differently.
  Tensor h = checkpointed ? checkpoint(block, x, {block.W, block.b}) : block(x);
  Tensor y = checkpointed ? checkpoint(block, h, {block.W, block.b}) : block(h);
  Tensor loss = sum(mul(y, Tensor::randn(y.shape(), gen)));
  loss.backward();
  return {x_requires_grad ? x.grad().to_vector() : std::vector<float>{}, block.W.grad().to_vector(),
          block.b.grad().to_vector(), y.to_vector(), default_generator().next_u64()};
}

}  // namespace

TEST_CASE("checkpoint: the same outputs and gradients, bit for bit, with dropout inside the segment", "[autograd]") {
  for (bool x_requires_grad : {true, false}) {
    INFO("x requires grad: " << x_requires_grad);
    const Grads plain = run(false, x_requires_grad), checkpointed = run(true, x_requires_grad);
    CHECK(checkpointed.out == plain.out);
    CHECK(checkpointed.x == plain.x);
    CHECK(checkpointed.W == plain.W);  // reached even when x needs no gradient
    CHECK(checkpointed.b == plain.b);
    CHECK(checkpointed.next_random == plain.next_random);  // the recompute leaves the random stream where it was
  }
}

TEST_CASE("checkpoint: the graph holds one node per segment, none of its insides", "[autograd]") {
  Generator gen(1);
  Block block(gen);
  Tensor x = Tensor::randn({2, 6}, gen).requires_grad_();
  const std::string plain = to_dot(sum(block(x)));
  const std::string checkpointed = to_dot(sum(checkpoint(block, x, {block.W, block.b})));
  CHECK(plain.find("gelu") != std::string::npos);
  CHECK(checkpointed.find("checkpoint") != std::string::npos);
  CHECK(checkpointed.find("gelu") == std::string::npos);
  CHECK(checkpointed.find("dropout") == std::string::npos);
}

TEST_CASE("checkpoint: without anything to differentiate it is the plain forward", "[autograd]") {
  Generator gen(2);
  Block block(gen);
  const Tensor x = Tensor::randn({2, 6}, gen);
  NoGradGuard no_grad;
  default_generator().manual_seed(5);
  const std::vector<float> plain = block(x).to_vector();
  default_generator().manual_seed(5);
  const Tensor y = checkpoint(block, x, {block.W, block.b});
  CHECK(y.to_vector() == plain);
  CHECK(!y.requires_grad());
}
