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
// gemm gives bitwise the same C for any number of OpenMP threads, and with B packed ahead
// (PackedB) or not. docs/simd.md explains it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace bertlab::kernels {

class PackedB;

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
  // op(B) already packed (then B, ldb and trans_b are not read): a weight packed once for
  // every later call. Its N and K must be the GEMM's; gemm_batched uses it for every item.
  const PackedB* packed_b = nullptr;
};

// op(B), K×N, packed once into the micro-panels gemm multiplies with, for the whole matrix.
// gemm packs B on every call, a pass over all of it that at a few rows of A (one sentence's
// tokens) takes as long as the multiply itself: a weight that does not change between calls
// is better packed once (nn::Linear does this through Tensor's packed cache, tensor/ops.h).
//   PackedB w(g);             // g.B, g.ldb, g.trans_b, g.N, g.K as for gemm
//   g.packed_b = &w; gemm(g); // the same C, bit for bit, as gemm without it
class PackedB {
 public:
  explicit PackedB(const GemmArgs& g);
  int64_t N() const { return N_; }
  int64_t K() const { return K_; }
  int64_t bytes() const { return floats_ * static_cast<int64_t>(sizeof(float)); }
  // The micro-panel of the k block starting at k0 (a multiple of the block depth) and the
  // columns starting at j0 (a multiple of the panel width).
  const float* panel(int64_t k0, int64_t j0) const { return data_.get() + offset(k0, j0); }

 private:
  int64_t offset(int64_t k0, int64_t j0) const;
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  int64_t N_, K_, floats_;
  std::unique_ptr<float, Free> data_;  // aligned for whole-Batch loads
};

void gemm_ref(const GemmArgs& g);
void gemm(const GemmArgs& g);

// `count` GEMMs of the same shape, as in attention's [B·N] score matrices: GEMM number b
// reads A + b·stride_a and B + b·stride_b and writes C + b·stride_c (strides in floats).
void gemm_batched(const GemmArgs& g, int64_t count, int64_t stride_a, int64_t stride_b,
                  int64_t stride_c);

}  // namespace bertlab::kernels
