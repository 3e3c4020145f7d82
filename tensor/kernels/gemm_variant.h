// One compiled variant of gemm's blocked algorithm (gemm_blocked.h), as gemm.cpp sees it: the
// register tile it multiplies with, and the two functions whose code depends on the vector
// width. Each variant lives in a file of its own, compiled for its instruction set
// (gemm_avx2.cpp, ...); gemm.cpp picks one per call by GemmArgs::kernel.
#pragma once

#include "tensor/kernels/gemm.h"  // defines: GemmArgs, GemmKernel

namespace bertlab::kernels {

constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

struct GemmVariant {
  int64_t kW;      // floats in one vector register
  int64_t MR, NR;  // the register tile of C: MR rows × NR columns
  int64_t KC;      // the depth of a k block (the same in every variant: gemm_blocked.h says why)
  // C's rows [m0, m1) × columns [n0, n1) (on multiples of MR and NR), on the calling thread.
  void (*part)(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1);
  // One micro-panel of op(B), columns [j0, j0 + w) × k in [k0, k0 + kc), packed as part()
  // packs it: the pieces of a PackedB.
  void (*pack_b)(const GemmArgs& g, int64_t j0, int64_t w, int64_t k0, int64_t kc, float* out);
};

const GemmVariant& gemm_variant_baseline();  // gemm_baseline.cpp
#if defined(__x86_64__)
const GemmVariant& gemm_variant_avx2();        // gemm_avx2.cpp
const GemmVariant& gemm_variant_avx512_256();  // gemm_avx512_256.cpp
const GemmVariant& gemm_variant_avx512();      // gemm_avx512.cpp
#endif

}  // namespace bertlab::kernels
