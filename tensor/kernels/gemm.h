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
// gemm gives bitwise the same C for any number of OpenMP threads, with any of its kernels,
// and with B packed ahead (PackedB) or not. docs/simd.md explains it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace bertlab::kernels {

class PackedB;

// The micro-kernels gemm can run, one per way of using the vector registers; each is compiled
// for its instruction set in a file of its own (gemm_<name>.cpp) and chosen at run time by
// what the CPU has, so one binary is fast on each. `best_gemm_kernel()` is the one gemm uses
// unless told otherwise: the widest this CPU runs, or the one named by the environment
// variable BERTLAB_GEMM_KERNEL (to measure one against another: docs/simd.md).
enum class GemmKernel {
  baseline,    // whatever vectors the build's own flags give (SSE2 on plain x86-64, NEON on ARM)
  avx2,        // 16 registers of 8 floats (AVX2 + FMA: Haswell, Zen 1-3)
  avx512_256,  // 32 registers of 8 floats (AVX-512VL's extra registers, at AVX2's width)
  avx512,      // 32 registers of 16 floats (AVX-512F)
};
GemmKernel best_gemm_kernel();
bool cpu_has(GemmKernel kernel);  // this CPU and this build can run it
std::string to_string(GemmKernel kernel);

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
  // The micro-kernel to run (a packed_b must have been packed for the same one).
  GemmKernel kernel = best_gemm_kernel();
};

// op(B), K×N, packed once into the micro-panels gemm multiplies with, for the whole matrix.
// gemm packs B on every call, a pass over all of it that at a few rows of A (one sentence's
// tokens) takes as long as the multiply itself: a weight that does not change between calls
// is better packed once (nn::Linear does this through Tensor's packed cache, tensor/ops.h).
//   PackedB w(g);             // g.B, g.ldb, g.trans_b, g.N, g.K as for gemm
//   g.packed_b = &w; gemm(g); // the same C, bit for bit, as gemm without it
class PackedB {
 public:
  explicit PackedB(const GemmArgs& g);  // packed for g.kernel's panel width
  int64_t N() const { return N_; }
  int64_t K() const { return K_; }
  GemmKernel kernel() const { return kernel_; }
  int64_t bytes() const { return floats_ * static_cast<int64_t>(sizeof(float)); }
  // The micro-panel of the k block starting at k0 (a multiple of the block depth) and the
  // columns starting at j0 (a multiple of the panel width).
  const float* panel(int64_t k0, int64_t j0) const { return data_.get() + offset(k0, j0); }

 private:
  int64_t offset(int64_t k0, int64_t j0) const;
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  GemmKernel kernel_;
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
