// gemm's AVX2 micro-kernel: 16 registers of 8 floats, a 6×16 tile of C (gemm_blocked.h).
// CMake compiles this file with -mavx2 -mfma; gemm.cpp calls it only where the CPU has both.
#include "tensor/kernels/gemm_blocked.h"  // defines: Blocked

namespace bertlab::kernels {

const GemmVariant& gemm_variant_avx2() { return Blocked<xsimd::fma3<xsimd::avx2>, 16>::variant(); }

}  // namespace bertlab::kernels
