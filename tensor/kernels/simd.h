// SIMD vocabulary for the kernels: the only file that names xsimd (Debian's xsimd 8.1).
//
// A Batch holds Batch::size floats that one instruction processes together: 4 with SSE or
// NEON, 8 with AVX2, 16 with AVX-512. Kernels never hard-code that width.
// Example: with Batch::size == 8, hsum(Batch(1.5f)) == 12.0f and hmax(Batch(2.0f)) == 2.0f.
//   Batch x = Batch::load_unaligned(p);   // x = p[0 .. size)
//   y = xsimd::fma(a, x, y);              // y = a·x + y, lane by lane, one rounding
#pragma once

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <vector>

namespace bertlab::kernels {

using Batch = xsimd::batch<float>;

// Sum of the lanes. xsimd 8.1 calls it hadd; xsimd 9 renamed it reduce_add.
inline float hsum(const Batch& x) { return xsimd::hadd(x); }

// Largest lane. xsimd 8.1 has no reduce_max (it appears in 9.x), so spill the lanes and scan.
inline float hmax(const Batch& x) {
  alignas(Batch::arch_type::alignment()) float lanes[Batch::size];
  x.store_aligned(lanes);
  return *std::max_element(lanes, lanes + Batch::size);
}

// A growable float buffer aligned for Batch::load_aligned (std::vector only promises 16 bytes).
using AlignedFloats = std::vector<float, xsimd::aligned_allocator<float>>;

}  // namespace bertlab::kernels
