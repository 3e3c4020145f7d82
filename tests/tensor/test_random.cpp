// The random numbers: Generator is reproducible from its seed, and uniform_at is SplitMix64's
// stream, checked against the published outputs of Vigna's reference implementation.
#include <catch2/catch.hpp>

#include <cstdint>

#include "tensor/random.h"

using namespace bertlab;

TEST_CASE("Generator: the same seed gives the same numbers, another seed others", "[random]") {
  Generator a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t va = a.next_u64();
    CHECK(va == b.next_u64());
    CHECK(va != c.next_u64());
  }
}

TEST_CASE("uniform_at: SplitMix64's i-th output, in 0 <= u < 1, with mean 1/2", "[random]") {
  // SplitMix64 seeded with 1234567: its first five outputs (the reference test vector).
  const uint64_t want[] = {6457827717110365317u, 3203168211198807973u, 9817491932198370423u,
                           4593380528125082431u, 16408922859458223821u};
  for (uint64_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(uniform_at(1234567, i) == static_cast<float>(want[i] >> 40) / 16777216.0f);
  }
  double total = 0.0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const float u = uniform_at(99, i);
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    total += u;
  }
  CHECK(total / n == Approx(0.5).margin(0.005));  // σ of the mean ≈ 0.0009
  CHECK(uniform_at(1, 0) != uniform_at(2, 0));    // another key, another stream
}
