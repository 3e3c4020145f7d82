// SIMD vocabulary for the kernels: the only file that names xsimd (Debian's xsimd 8.1).
//
// A Batch holds Batch::size floats that one instruction processes together: 4 with SSE or
// NEON, 8 with AVX2, 16 with AVX-512. Kernels never hard-code that width.
// Example: with Batch::size == 8, hsum(Batch(1.5f)) == 12.0f and hmax(Batch(2.0f)) == 2.0f.
//   Batch x = Batch::load_unaligned(p);   // x = p[0 .. size)
//   y = fmadd(a, x, y);                   // y = a·x + y, lane by lane, one rounding
#pragma once

// GCC 12's AVX-512 headers make _mm512_undefined_ps() from a self-initialized variable, which
// its own -Wmaybe-uninitialized then reports wherever a permute is inlined: a false alarm.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace bertlab::kernels {

using Batch = xsimd::batch<float>;

// a·x + y lane by lane, rounded once (a fused multiply-add). Not xsimd::fma: xsimd 8.1 has no
// AVX-512 one, and its generic a·x + y is two instructions that the compiler fuses in some builds
// and not in others (Release does, the sanitizer build does not), so the AVX-512 GEMM gave other
// bits than the AVX2 one there. `static` for the reason given at transpose_square.
template <class A>
static inline xsimd::batch<float, A> fmadd(const xsimd::batch<float, A>& a, const xsimd::batch<float, A>& x,
                                           const xsimd::batch<float, A>& y) {
#if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) return _mm512_fmadd_ps(a, x, y);
#endif
  return xsimd::fma(a, x, y);
}

// Sum of the lanes. xsimd 8.1 calls it hadd; xsimd 9 renamed it reduce_add.
inline float hsum(const Batch& x) { return xsimd::hadd(x); }

// Largest lane. xsimd 8.1 has no reduce_max (it appears in 9.x), so spill the lanes and scan.
inline float hmax(const Batch& x) {
  alignas(Batch::arch_type::alignment()) float lanes[Batch::size];
  x.store_aligned(lanes);
  return *std::max_element(lanes, lanes + Batch::size);
}

// Transposes the square of Batch::size × Batch::size floats held in `rows`: afterwards rows[i]
// lane l holds what rows[l] lane i held. Round d (d = size/2, ..., 2, 1) swaps the off-diagonal
// d×d blocks of every 2d×2d block: rows i and i + d exchange the lanes whose index has bit d
// set in one and clear in the other (swizzle moves lane l ^ d to lane l; select picks lanes).
// After log2(size) rounds every element has crossed the diagonal. (xsimd 8.1 has swizzle for
// AVX, AVX2 and AVX-512 only; other instruction sets transpose through memory.)
// `static`: each file that uses it has its own copy, compiled with that file's flags. gemm's
// kernel files are compiled for different CPUs (gemm_blocked.h), and a copy shared between two
// of them might carry the other's instructions.
namespace detail {
template <unsigned D>
struct LaneXor {
  static constexpr unsigned get(unsigned lane, unsigned) { return lane ^ D; }
};
template <unsigned D>
struct LaneBitClear {
  static constexpr bool get(unsigned lane, unsigned) { return (lane & D) == 0; }
};
template <class B, unsigned D>
static void transpose_round(B (&rows)[B::size]) {
  using Index = xsimd::batch<uint32_t, typename B::arch_type>;
  constexpr auto partner_lane = xsimd::make_batch_constant<Index, LaneXor<D>>();
  constexpr auto bit_clear = xsimd::make_batch_bool_constant<B, LaneBitClear<D>>();
  for (unsigned i = 0; i < B::size; ++i) {
    if (i & D) continue;
    const B upper = rows[i], lower = rows[i + D];
    rows[i] = xsimd::select(bit_clear, upper, xsimd::swizzle(lower, partner_lane));
    rows[i + D] = xsimd::select(bit_clear, xsimd::swizzle(upper, partner_lane), lower);
  }
  if constexpr (D > 1) transpose_round<B, D / 2>(rows);
}
}  // namespace detail

template <class B = Batch>
static void transpose_square(B (&rows)[B::size]) {
  using Arch = typename B::arch_type;
  if constexpr (std::is_base_of_v<xsimd::avx, Arch> || std::is_base_of_v<xsimd::avx512f, Arch>) {
    detail::transpose_round<B, B::size / 2>(rows);
  } else {
    alignas(Arch::alignment()) float m[B::size][B::size];
    for (std::size_t i = 0; i < B::size; ++i) rows[i].store_aligned(m[i]);
    for (std::size_t i = 0; i < B::size; ++i)
      for (std::size_t l = 0; l < i; ++l) std::swap(m[i][l], m[l][i]);
    for (std::size_t i = 0; i < B::size; ++i) rows[i] = B::load_aligned(m[i]);
  }
}

// A growable float buffer aligned for Batch::load_aligned (std::vector only promises 16 bytes).
using AlignedFloats = std::vector<float, xsimd::aligned_allocator<float>>;

}  // namespace bertlab::kernels
