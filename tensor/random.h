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

// The process-wide default generator (like torch.manual_seed's global one).
Generator& default_generator();

}  // namespace bertlab
