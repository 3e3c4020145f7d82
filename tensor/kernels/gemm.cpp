#include "tensor/kernels/gemm.h"  // defines: gemm_ref, gemm, gemm_batched

#include "tensor/error.h"                // defines: BERT_CHECK
#include "tensor/kernels/gemm_variant.h"  // defines: GemmVariant, gemm_variant_*, ceil_div, round_up

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace bertlab::kernels {

// ===== Reference: the triple loop =====

void gemm_ref(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i)
    for (int64_t j = 0; j < g.N; ++j) {
      float acc = 0.0f;
      for (int64_t k = 0; k < g.K; ++k) {
        const float a = g.trans_a ? g.A[k * g.lda + i] : g.A[i * g.lda + k];
        const float b = g.trans_b ? g.B[j * g.ldb + k] : g.B[k * g.ldb + j];
        acc += a * b;
      }
      if (g.bias) acc += g.bias[j];
      float& c = g.C[i * g.ldc + j];
      c = g.accumulate ? c + acc : acc;
    }
}

namespace {

// Below this many multiply-adds a GEMM runs on one thread: waking threads would cost more.
constexpr int64_t kParallelMinWork = 64 * 64 * 64;

// ===== Kernel choice =====

// The compiled variant behind each kernel (gemm_variant.h); the x86 ones exist on x86 only.
const GemmVariant& variant(GemmKernel kernel) {
  switch (kernel) {
#if defined(__x86_64__)
    case GemmKernel::avx2: return gemm_variant_avx2();
    case GemmKernel::avx512_256: return gemm_variant_avx512_256();
    case GemmKernel::avx512: return gemm_variant_avx512();
#endif
    default: return gemm_variant_baseline();
  }
}

constexpr GemmKernel kKernels[] = {GemmKernel::baseline, GemmKernel::avx2, GemmKernel::avx512_256,
                                   GemmKernel::avx512};

// The widest kernel this CPU runs: on each CPU measured so far it was the fastest, also on
// Zen 4, whose AVX-512 runs on 256-bit pipes (docs/simd.md has the numbers). Or the one
// BERTLAB_GEMM_KERNEL names, to measure one against another; a name that is not a kernel this
// CPU runs gets a one-line note and the widest (the results are the same bits either way).
GemmKernel choose_kernel() {
  GemmKernel widest = GemmKernel::baseline;
  for (GemmKernel k : {GemmKernel::avx2, GemmKernel::avx512})
    if (cpu_has(k)) widest = k;
  const char* name = std::getenv("BERTLAB_GEMM_KERNEL");
  if (!name || !*name) return widest;
  std::vector<std::string> runnable;
  for (GemmKernel k : kKernels)
    if (cpu_has(k)) {
      if (to_string(k) == name) return k;
      runnable.push_back(to_string(k));
    }
  fmt::print(stderr, "note: BERTLAB_GEMM_KERNEL={} is not a kernel this CPU runs ({}): using {}\n", name,
             fmt::join(runnable, ", "), to_string(widest));
  return widest;
}

}  // namespace

bool cpu_has(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::baseline: return true;
#if defined(__x86_64__)
    case GemmKernel::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GemmKernel::avx512_256:
    case GemmKernel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#endif
    default: return false;
  }
}

GemmKernel best_gemm_kernel() {
  static const GemmKernel best = choose_kernel();
  return best;
}

std::string to_string(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::avx2: return "avx2";
    case GemmKernel::avx512_256: return "avx512_256";
    case GemmKernel::avx512: return "avx512";
    default: return "baseline";
  }
}

// ===== B packed ahead =====
// The micro-panels of every k block and every NR columns, in the order the blocked loops visit
// them (gemm_blocked.h): k block after k block (each round_up(kc, kW) × round_up(N, NR) floats:
// every block but the last is KC deep, so block k0 starts at k0 · round_up(N, NR)), and in a
// block micro-panel after micro-panel. pack_b fills each exactly as the loops would, so C is
// the same bit for bit. NR and kW are the kernel's: a PackedB serves the kernel it was packed for.

PackedB::PackedB(const GemmArgs& g) : kernel_(g.kernel), N_(g.N), K_(g.K) {
  BERT_CHECK(cpu_has(kernel_), "PackedB: this CPU cannot run the {} kernel", to_string(kernel_));
  const GemmVariant& v = variant(kernel_);
  const int64_t n_padded = round_up(g.N, v.NR);
  const int64_t last_block = g.K == 0 ? 0 : (g.K - 1) / v.KC * v.KC;
  floats_ = (last_block + round_up(g.K - last_block, v.kW)) * n_padded;
  const size_t bytes = static_cast<size_t>(round_up(std::max<int64_t>(floats_, 1) * sizeof(float), 64));
  data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
  if (!data_) throw std::bad_alloc();
  const int64_t panels = ceil_div(g.N, v.NR);
  for (int64_t k0 = 0; k0 < g.K; k0 += v.KC) {
    const int64_t kc = std::min(v.KC, g.K - k0);
#pragma omp parallel for schedule(static) if (g.N * kc >= kParallelMinWork && !omp_in_parallel())
    for (int64_t p = 0; p < panels; ++p)
      v.pack_b(g, p * v.NR, std::min(v.NR, g.N - p * v.NR), k0, kc, data_.get() + offset(k0, p * v.NR));
  }
}

int64_t PackedB::offset(int64_t k0, int64_t j0) const {
  const GemmVariant& v = variant(kernel_);
  return k0 * round_up(N_, v.NR) + j0 * round_up(std::min(v.KC, K_ - k0), v.kW);
}

// The threads cut C into a grid of row parts × column parts, one rectangle each. Each thread
// packs the rows of A and the columns of B its rectangle needs, so an operand is packed once
// per part of the other dimension: cutting the rows packs B once per row part, cutting the
// columns packs A once per column part. The grid chosen packs the fewest values.
// No thread waits for another until the end, and the arithmetic of an element does not depend
// on the rectangle it is in, so C is bitwise the same for any number of threads.
void gemm(const GemmArgs& g) {
  if (g.packed_b && (g.packed_b->N() != g.N || g.packed_b->K() != g.K))
    throw std::invalid_argument("gemm: packed_b was packed for another N×K");
  if (g.packed_b && g.packed_b->kernel() != g.kernel)
    throw std::invalid_argument("gemm: packed_b was packed for the " + to_string(g.packed_b->kernel()) +
                                " kernel, not " + to_string(g.kernel));
  BERT_CHECK(cpu_has(g.kernel), "gemm: this CPU cannot run the {} kernel", to_string(g.kernel));
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {  // an empty sum: C = bias (or 0), added to C when accumulating
    for (int64_t i = 0; i < g.M; ++i)
      for (int64_t j = 0; j < g.N; ++j) {
        const float value = g.bias ? g.bias[j] : 0.0f;
        float& c = g.C[i * g.ldc + j];
        c = g.accumulate ? c + value : value;
      }
    return;
  }
  // Small products, and calls from inside a parallel region (gemm_batched), use one thread.
  const bool parallel = g.M * g.N * g.K >= kParallelMinWork && !omp_in_parallel();
  const GemmVariant& v = variant(g.kernel);
  const int64_t MR = v.MR, NR = v.NR;
  // The grid row_parts × (threads / row_parts) that packs the fewest values, among those that
  // give every thread at least one micro-panel of rows and one of columns.
  const int64_t threads = parallel ? omp_get_max_threads() : 1;
  const auto packed_values = [&](int64_t rows) { return threads / rows * g.M + rows * g.N; };  // per k
  int64_t row_parts = 0;
  for (int64_t r = 1; r <= threads; ++r) {
    if (threads % r != 0 || r > ceil_div(g.M, MR) || threads / r > ceil_div(g.N, NR)) continue;
    if (row_parts == 0 || packed_values(r) < packed_values(row_parts)) row_parts = r;
  }
  if (row_parts == 0) return v.part(g, 0, g.M, 0, g.N);  // too narrow to share: one thread
  const int64_t col_parts = threads / row_parts;
  // Part boundaries on multiples of MR and NR, so no micro-panel is split between threads.
  const auto bound = [](int64_t size, int64_t step, int64_t parts, int64_t p) {
    return std::min(size, round_up(ceil_div(size, parts), step) * p);
  };
#pragma omp parallel for schedule(static) if (parallel) num_threads(threads)
  for (int64_t t = 0; t < threads; ++t) {
    const int64_t rp = t / col_parts, cp = t % col_parts;
    const int64_t m0 = bound(g.M, MR, row_parts, rp), m1 = bound(g.M, MR, row_parts, rp + 1);
    const int64_t n0 = bound(g.N, NR, col_parts, cp), n1 = bound(g.N, NR, col_parts, cp + 1);
    if (m0 < m1 && n0 < n1) v.part(g, m0, m1, n0, n1);
  }
}

// When the GEMMs divide evenly among the threads (or are so many that one extra hardly
// matters), each thread takes whole GEMMs, each run on one thread. Otherwise, as with 3
// GEMMs on 2 threads, the GEMMs run one after the other, each shared by all threads.
void gemm_batched(const GemmArgs& g, int64_t count, int64_t stride_a, int64_t stride_b,
                  int64_t stride_c) {
  const auto item = [&](int64_t b) {
    GemmArgs gb = g;
    gb.A += b * stride_a;
    gb.B += b * stride_b;
    gb.C += b * stride_c;
    return gb;
  };
  const int64_t threads = omp_get_max_threads();
  const bool whole_gemms = count % threads == 0 || count >= 8 * threads;
#pragma omp parallel for schedule(static) if (whole_gemms)
  for (int64_t b = 0; b < count; ++b) gemm(item(b));
}

}  // namespace bertlab::kernels
