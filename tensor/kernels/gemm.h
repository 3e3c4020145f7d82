// GEMM: C = A · B (+ C), the one kernel that decides BERT's speed (~90% of its FLOPs).
//
//   A is M×K, B is K×N, C is M×N, all row-major with leading dimensions lda, ldb, ldc.
//   trans_a: A is stored K×M (read A[i][k] at A[k * lda + i]); trans_b: B is stored N×K.
//   accumulate: C += A·B instead of C = A·B (backward passes add into gradients).
//   bias: N values (or null) added to every row of the product, C = A·B + bias: a Linear's
//         bias, added as the first k block is stored rather than in a pass of its own.
// Example: A = [[1, 2]], B = [[3], [4]] -> C = [[1·3 + 2·4]] = [[11]].
//
// gemm_ref is the triple loop to read; gemm is the fast one (packed panels, cache blocking,
// an xsimd register-tile micro-kernel, split over threads) and is tested against gemm_ref.
// gemm gives bitwise the same C for any number of OpenMP threads. docs/simd.md explains it.
#pragma once

#include <cstdint>

namespace bertlab::kernels {

struct GemmArgs {
  bool trans_a = false, trans_b = false;
  int64_t M = 0, N = 0, K = 0;
  const float* A = nullptr;
  int64_t lda = 0;
  const float* B = nullptr;
  int64_t ldb = 0;
  float* C = nullptr;
  int64_t ldc = 0;
  bool accumulate = false;
  const float* bias = nullptr;
};

void gemm_ref(const GemmArgs& g);
void gemm(const GemmArgs& g);

// `count` GEMMs of the same shape, as in attention's [B·N] score matrices: GEMM number b
// reads A + b·stride_a and B + b·stride_b and writes C + b·stride_c (strides in floats).
void gemm_batched(const GemmArgs& g, int64_t count, int64_t stride_a, int64_t stride_b,
                  int64_t stride_c);

}  // namespace bertlab::kernels
