#include "tensor/random.h"  // defines: Generator, default_generator

#include <cmath>
#include <numbers>

namespace bertlab {

float Generator::uniform() {
  // The top 24 bits give every float in [0, 1) with spacing 2^-24, never 1.0.
  return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f);
}

float Generator::normal(float mean, float std) {
  // Box–Muller: two uniforms u1 in (0, 1], u2 in [0, 1) give a standard normal
  // z = sqrt(-2 ln u1) cos(2π u2).
  const double u1 = 1.0 - static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + std * static_cast<float>(z);
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

}  // namespace bertlab
