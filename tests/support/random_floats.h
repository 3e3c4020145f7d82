// Seeded uniform floats in [lo, hi), the raw inputs of the kernel and GEMM tests.
//   std::vector<float> x = random_floats(17, /*seed=*/1);   // 17 values in [-3, 3)
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/random.h"  // defines: Generator

namespace bertlab::testing {

inline std::vector<float> random_floats(int64_t n, uint64_t seed, float lo = -3.0f, float hi = 3.0f) {
  Generator gen(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = lo + (hi - lo) * gen.uniform();
  return v;
}

}  // namespace bertlab::testing
