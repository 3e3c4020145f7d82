// gemm's micro-kernel for AVX-512 at AVX2's width: 8 floats a register, but AVX-512VL's 32
// registers, so a 14×16 tile of C (gemm_blocked.h). The same FMAs per load as the 512-bit
// kernel, on vectors half as wide: for CPUs whose AVX-512 runs on 256-bit pipes (docs/simd.md).
// CMake compiles this file with AVX-512 flags; gemm.cpp calls it only where the CPU has them.
#include "tensor/kernels/gemm_blocked.h"  // defines: Blocked

namespace bertlab::kernels {

const GemmVariant& gemm_variant_avx512_256() { return Blocked<xsimd::fma3<xsimd::avx2>, 32>::variant(); }

}  // namespace bertlab::kernels
