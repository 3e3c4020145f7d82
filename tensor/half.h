// 16-bit floats: the F16 and BF16 tensors of safetensors and torch checkpoints, widened to float32,
// and float32 narrowed to F16 to store a model in half the bytes (`bertlab pretrain --save-dtype float16`)
// or to BF16 for bf16 inference (tensor/kernels/gemm_bf16.h).
//
//   f16_to_f32(0x3C00) == 1.0f     bf16_to_f32(0x3F80) == 1.0f     f32_to_f16(1.0f) == 0x3C00
#pragma once

#include <algorithm>
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

// float32 -> half, rounded to the nearest half, ties to the even one (what torch's .half() does).
// A float32 has 23 mantissa bits, a half 10: the 13 bits dropped decide the rounding. Too large
// for a half (≥ 65520) becomes ±inf, too small ones become subnormal halfs or ±0.
inline uint16_t f32_to_f16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  const float magnitude = std::fabs(value);
  if (std::isnan(value)) return sign | 0x7E00;
  if (magnitude >= 65520.0f) return sign | 0x7C00;  // 65504 (the largest half) + half a step rounds up
  // The half's spacing near `magnitude`: 2^(e-10) for a normal half of exponent e, 2^-24 below
  // 2^-14 (subnormals). Count in those units, round half to even, and the count is the code:
  // exponent and mantissa bits follow each other, so code 1024 is 2^-14, 2048 is 2^-13, ...
  const int exponent = std::max(std::ilogb(magnitude), -14);  // ilogb(0) is very negative: clamp
  const float units = std::ldexp(magnitude, 10 - exponent);    // in [1024, 2048) for a normal half
  const auto rounded = static_cast<uint32_t>(std::nearbyint(units));  // ties to even (default rounding)
  return sign | static_cast<uint16_t>(((exponent + 14) << 10) + rounded);
}

// bfloat16 is the top half of a float32 (same 8 exponent bits), so widening is a shift.
//   0x3F80 -> 0x3F800000 = 1.0
inline float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

// Narrowing keeps the top 16 bits, rounded to nearest, ties to even (as torch's .to(bfloat16) and
// the CPU's vcvtneps2bf16): add 0x7FFF, plus 1 when the kept part is odd, then cut. A NaN stays a
// NaN (the addition could carry it into infinity).
//   1.0f = 0x3F800000 -> 0x3F80;   1.00390625f = 0x3F808000 (a tie, kept part even) -> 0x3F80
inline uint16_t f32_to_bf16(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint32_t rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16, quiet_nan = (bits >> 16) | 0x40;
  return static_cast<uint16_t>(f != f ? quiet_nan : rounded);  // a select, not a branch: loops vectorize
}

}  // namespace bertlab
