// 16-bit floats widened to float32: the F16 and BF16 tensors of safetensors and torch checkpoints.
//
//   f16_to_f32(0x3C00) == 1.0f     bf16_to_f32(0x3F80) == 1.0f
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace bertlab {

// Element i of an array of T that starts at `bytes`. memcpy, because the data may not be
// aligned for T (reading it through a T* would then be undefined behaviour).
template <typename T>
T load(const char* bytes, int64_t i) {
  T value;
  std::memcpy(&value, bytes + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return value;
}

// IEEE half: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
//   0x3C00 = 0 01111 0000000000 = +1.0 × 2^(15-15) = 1.0
inline float f16_to_f32(uint16_t h) {
  const int exponent = (h >> 10) & 0x1F;
  const int mantissa = h & 0x3FF;
  float magnitude;
  if (exponent == 0) magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // 0 or subnormal
  else if (exponent == 31) magnitude = mantissa == 0 ? INFINITY : NAN;
  else magnitude = std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);  // 1.m × 2^(e-15)
  return (h & 0x8000) ? -magnitude : magnitude;
}

// bfloat16 is the top half of a float32 (same 8 exponent bits), so widening is a shift.
//   0x3F80 -> 0x3F800000 = 1.0
inline float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

}  // namespace bertlab
