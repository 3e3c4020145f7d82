// gemm's AVX-512 micro-kernel: 32 registers of 16 floats, a 14×32 tile of C (gemm_blocked.h).
// CMake compiles this file with AVX-512 flags; gemm.cpp calls it only where the CPU has them.
#include "tensor/kernels/gemm_blocked.h"  // defines: Blocked

namespace bertlab::kernels {

const GemmVariant& gemm_variant_avx512() { return Blocked<xsimd::avx512f, 32>::variant(); }

}  // namespace bertlab::kernels
