// The loop the int8 and bf16 GEMMs share (gemm_int8.cpp, gemm_bf16.cpp): y = x · Wᵀ with W
// packed in panels of `panel` rows, which are columns of y. The threads take whole panels; in a
// panel, `block(p, m0, rows)` computes y's block of rows [m0, m0 + rows) (rows <= mr) × panel p's
// columns, so the panel, a few KB of weights, stays in L1/L2 while every row of x passes by.
// Each element of y is computed by one call on one thread, whatever the number of threads: the
// same bits for any.
//   for_each_block(M, N, K, 32, 12, [&](int64_t p, int64_t m0, int64_t rows) { ... });
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tensor/kernels/simd.h"  // defines: xsimd

namespace bertlab::kernels {

// Packed weights: 64-byte aligned for whole AVX-512 loads, whatever the build's vector width.
template <typename T>
using Aligned64 = std::vector<T, xsimd::aligned_allocator<T, 64>>;

template <typename Block>
void for_each_block(int64_t M, int64_t N, int64_t K, int64_t panel, int64_t mr, Block block) {
  constexpr int64_t kParallelMinWork = 64 * 64 * 64;  // multiply-adds; fewer run on one thread
  const int64_t panels = (N + panel - 1) / panel;
#pragma omp parallel for schedule(static) if (M * N * K >= kParallelMinWork && !omp_in_parallel())
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t m0 = 0; m0 < M; m0 += mr) block(p, m0, std::min(mr, M - m0));
}

}  // namespace bertlab::kernels
