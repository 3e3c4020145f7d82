// Generator: one seeded source of random numbers for weight init and dropout.
//
// Same seed -> same numbers -> the same training run, bit for bit, on the same machine.
//   Generator gen(42);  float u = gen.uniform();  // in [0, 1)
// It is a 64-bit Mersenne Twister; the normal distribution uses Box–Muller, written out here
// so the numbers do not depend on a standard library's choice of algorithm.
#pragma once

#include <cstdint>
#include <random>

namespace bertlab {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}
  void manual_seed(uint64_t seed) { engine_.seed(seed); }

  uint64_t next_u64() { return engine_(); }
  float uniform();                          // [0, 1)
  float normal(float mean, float std);      // Box–Muller
  // The whole engine state, for checkpoints that resume a run exactly.
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

// The i-th number of a counter-based stream (SplitMix64's i-th output for the seed `key`),
// uniform in [0, 1) like Generator::uniform. It is computed from (key, i) alone, without the
// numbers before it, so a long stream can be drawn in chunks on every core and still come out
// the same for any number of threads. Dropout draws its masks this way, one key per call.
//   const uint64_t key = gen.next_u64();  float u = uniform_at(key, i);
inline float uniform_at(uint64_t key, uint64_t i) {
  uint64_t z = key + (i + 1) * 0x9E3779B97F4A7C15u;  // SplitMix64's state after i + 1 steps
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;           // ... and its output mix
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);  // the top 24 bits, as uniform()
}

// The process-wide default generator (like torch.manual_seed's global one).
Generator& default_generator();

}  // namespace bertlab
