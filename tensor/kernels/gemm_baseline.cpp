// gemm's micro-kernel for whatever vectors the build's own flags give: SSE2 on plain x86-64
// (a CPU older than AVX2), NEON on ARM, AVX-512 under -march=native on a CPU that has it.
// It runs on any CPU the build runs on (gemm_blocked.h; registers as the instruction set has).
#include "tensor/kernels/gemm_blocked.h"  // defines: Blocked

namespace bertlab::kernels {

const GemmVariant& gemm_variant_baseline() {
  using Arch = xsimd::default_arch;
  return Blocked<Arch, std::is_base_of_v<xsimd::avx512f, Arch> ? 32 : 16>::variant();
}

}  // namespace bertlab::kernels
