#include "tensor/kernels/gemm.h"  // defines: gemm_ref, gemm

namespace bertlab::kernels {

void gemm_ref(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i)
    for (int64_t j = 0; j < g.N; ++j) {
      float acc = 0.0f;
      for (int64_t k = 0; k < g.K; ++k) {
        const float a = g.trans_a ? g.A[k * g.lda + i] : g.A[i * g.lda + k];
        const float b = g.trans_b ? g.B[j * g.ldb + k] : g.B[k * g.ldb + j];
        acc += a * b;
      }
      float& c = g.C[i * g.ldc + j];
      c = g.accumulate ? c + acc : acc;
    }
}

// Placeholder until the packed xsimd kernel lands: the reference loop.
void gemm(const GemmArgs& g) { gemm_ref(g); }

}  // namespace bertlab::kernels
