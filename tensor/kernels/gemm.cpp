#include "tensor/kernels/gemm.h"  // defines: gemm_ref, gemm, gemm_batched

#include "tensor/kernels/simd.h"  // defines: Batch, AlignedFloats

#include <omp.h>

#include <algorithm>

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
      float& c = g.C[i * g.ldc + j];
      c = g.accumulate ? c + acc : acc;
    }
}

namespace {

// ===== Blocking parameters =====
// The micro-kernel holds an MR×NR tile of C in registers while it runs down k. With AVX2
// (8 floats per Batch) the tile is 6×16: 12 accumulator registers, 2 for a row of B and 1 for
// a broadcast element of A, 15 of the 16 vector registers. Each step does 12 FMAs on 8 loads.
constexpr int64_t kW = Batch::size;
constexpr int64_t MR = 6;
constexpr int64_t NR = 2 * kW;

// Cache blocking: each loop around the micro-kernel keeps one packed block in one cache level
// (sizes for AVX2 on a core with 32 KB L1, 512 KB L2 and a shared L3 of several MB).
//   KC: the depth of a k block. One B micro-panel, KC×NR floats = 16 KB, stays in L1 while the
//       kernel sweeps every A micro-panel of the block past it.
//   MC: the rows of the packed A block, MC×KC floats = 120 KB, which stays in L2.
//   NC: the columns of the packed B block, KC×NC floats = 3 MB, which stays in L3.
constexpr int64_t KC = 256;
constexpr int64_t MC = 120;   // a multiple of MR
constexpr int64_t NC = 3072;  // a multiple of NR

// Below this many multiply-adds a GEMM runs on one thread: waking threads would cost more.
constexpr int64_t kParallelMinWork = 64 * 64 * 64;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// ===== Packing =====
// A matrix seen through strides: element (r, c) is at p[r·rs + c·cs]; swapping rs and cs
// transposes it without moving data. This is how trans_a and trans_b are handled.
struct Strided {
  const float* p;
  int64_t rs, cs;
};

// A as an M×K view, and B as its transpose, an N×K view, so that both pack the same way.
Strided view_a(const GemmArgs& g) {
  return g.trans_a ? Strided{g.A, 1, g.lda} : Strided{g.A, g.lda, 1};
}
Strided view_bt(const GemmArgs& g) {
  return g.trans_b ? Strided{g.B, g.ldb, 1} : Strided{g.B, 1, g.ldb};
}

// Copies rows [r0, r0 + rows) × columns [k0, k0 + kc) of src into panels of Width rows.
// Panel p stores, k after k, its Width values side by side:
//   out[(p·kc + k)·Width + r] = src(r0 + p·Width + r, k0 + k)
// so the micro-kernel reads both operands with unit stride. Rows past the end are zeros:
// edge tiles then run the same kernel, and the extra lanes are simply not stored.
template <int64_t Width>
void pack(Strided src, int64_t r0, int64_t rows, int64_t k0, int64_t kc, float* out) {
  for (int64_t p = 0; p < rows; p += Width, out += kc * Width) {
    const float* s = src.p + (r0 + p) * src.rs + k0 * src.cs;
    const auto copy_rows = [&](int64_t w) {
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t r = 0; r < w; ++r) out[k * Width + r] = s[r * src.rs + k * src.cs];
    };
    const int64_t w = std::min(Width, rows - p);
    if (w == Width) {
      copy_rows(Width);  // a constant count: the compiler unrolls the copy of a full panel
    } else {
      std::fill_n(out, kc * Width, 0.0f);
      copy_rows(w);
    }
  }
}

// ===== Micro-kernel =====
// Writes the Rows×NR tile acc into C's first n columns: C = acc, or C += acc when `add`.
// Full-width tiles go straight from registers to C; narrower ones pass through a buffer.
template <int64_t Rows>
void store_tile(const Batch (&acc)[Rows][2], float* c, int64_t ldc, int64_t n, bool add) {
  if (n == NR) {
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t v = 0; v < 2; ++v) {
        float* p = c + r * ldc + v * kW;
        (add ? acc[r][v] + Batch::load_unaligned(p) : acc[r][v]).store_unaligned(p);
      }
    return;
  }
  alignas(64) float tile[Rows][NR];
  for (int64_t r = 0; r < Rows; ++r)
    for (int64_t v = 0; v < 2; ++v) acc[r][v].store_aligned(&tile[r][v * kW]);
  for (int64_t r = 0; r < Rows; ++r)
    for (int64_t j = 0; j < n; ++j) c[r * ldc + j] = add ? tile[r][j] + c[r * ldc + j] : tile[r][j];
}

// C tile (+)= (packed A micro-panel, kc×MR)ᵀ · (packed B micro-panel, kc×NR): per k, one row
// of B (2 batches) meets Rows broadcast elements of A in 2·Rows fused multiply-adds.
// Rows is MR except in the last row panel of an M that is not a multiple of MR.
template <int64_t Rows>
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t n,
                  bool add) {
  Batch acc[Rows][2];
  for (auto& row : acc) row[0] = row[1] = Batch(0.0f);
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    const Batch b0 = Batch::load_aligned(b), b1 = Batch::load_aligned(b + kW);
    for (int64_t r = 0; r < Rows; ++r) {
      const Batch ar(a[r]);
      acc[r][0] = xsimd::fma(ar, b0, acc[r][0]);
      acc[r][1] = xsimd::fma(ar, b1, acc[r][1]);
    }
  }
  store_tile<Rows>(acc, c, ldc, n, add);
}

// The kernel for each row count, so that an edge panel does no multiply-adds on padding.
using MicroKernel = void (*)(int64_t, const float*, const float*, float*, int64_t, int64_t, bool);
static_assert(MR == 6, "kMicroKernels lists one kernel per row count 1..MR");
constexpr MicroKernel kMicroKernels[MR + 1] = {nullptr,         micro_kernel<1>, micro_kernel<2>,
                                               micro_kernel<3>, micro_kernel<4>, micro_kernel<5>,
                                               micro_kernel<6>};

// ===== One thread: the five loops around the micro-kernel =====

float* grow(AlignedFloats& buffer, int64_t size) {
  if (static_cast<int64_t>(buffer.size()) < size) buffer.resize(size);
  return buffer.data();
}

void gemm_one_thread(const GemmArgs& g) {
  if (g.K == 0) {  // an empty sum: C = 0, or C unchanged when accumulating
    for (int64_t i = 0; i < g.M && !g.accumulate; ++i) std::fill_n(g.C + i * g.ldc, g.N, 0.0f);
    return;
  }
  thread_local AlignedFloats a_buffer, b_buffer;  // reused across calls: no allocation per GEMM
  const Strided a = view_a(g), bt = view_bt(g);
  for (int64_t jc = 0; jc < g.N; jc += NC) {
    const int64_t nc = std::min(NC, g.N - jc);
    for (int64_t pc = 0; pc < g.K; pc += KC) {
      const int64_t kc = std::min(KC, g.K - pc);
      const bool add = g.accumulate || pc > 0;  // later k blocks add onto the earlier ones
      float* packed_b = grow(b_buffer, round_up(nc, NR) * kc);
      for (int64_t ic = 0; ic < g.M; ic += MC) {
        const int64_t mc = std::min(MC, g.M - ic);
        float* packed_a = grow(a_buffer, round_up(mc, MR) * kc);
        pack<MR>(a, ic, mc, pc, kc, packed_a);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          // B is packed one micro-panel at a time, when the first row block needs it: the
          // kernel then finds it in L1. Later row blocks reuse the packed panels.
          if (ic == 0) pack<NR>(bt, jc + jr, std::min(NR, nc - jr), pc, kc, packed_b + jr * kc);
          for (int64_t ir = 0; ir < mc; ir += MR)
            kMicroKernels[std::min(MR, mc - ir)](kc, packed_a + ir * kc, packed_b + jr * kc,
                                                 g.C + (ic + ir) * g.ldc + jc + jr, g.ldc,
                                                 std::min(NR, nc - jr), add);
        }
      }
    }
  }
}

// ===== Threads: independent strips of C =====

// The part of g that writes rows [i0, i0 + m) and columns [j0, j0 + n) of C: a smaller GEMM.
GemmArgs sub_gemm(GemmArgs g, int64_t i0, int64_t m, int64_t j0, int64_t n) {
  g.A += g.trans_a ? i0 : i0 * g.lda;
  g.B += g.trans_b ? j0 * g.ldb : j0;
  g.C += i0 * g.ldc + j0;
  g.M = m;
  g.N = n;
  return g;
}

}  // namespace

// C is cut into one strip per thread, and each thread runs the whole blocked algorithm on its
// strip. Every element of C is still summed over k in the same order (k block after k block,
// the same FMA chain in the micro-kernel), so the result does not depend on the thread count.
void gemm(const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  const int64_t work = g.M * g.N * g.K;
  const int64_t threads = work < kParallelMinWork ? 1 : omp_get_max_threads();
  // Each strip packs the whole of the operand it shares, so cut along the side that makes the
  // shared operand the smaller one: rows when B (K×N) is smaller than A (M×K).
  const bool split_rows = g.M >= g.N;
  const int64_t extent = split_rows ? g.M : g.N;
  const int64_t step = round_up(ceil_div(extent, threads), split_rows ? MR : NR);
  const int64_t strips = ceil_div(extent, step);
#pragma omp parallel for schedule(static) if (strips > 1)
  for (int64_t s = 0; s < strips; ++s) {
    const int64_t lo = s * step, len = std::min(step, extent - lo);
    gemm_one_thread(split_rows ? sub_gemm(g, lo, len, 0, g.N) : sub_gemm(g, 0, g.M, lo, len));
  }
}

// When the GEMMs divide evenly among the threads (or are so many that one extra hardly
// matters), each thread takes whole GEMMs: no strips, no sharing. Otherwise, as with 3 GEMMs
// on 2 threads, each GEMM is split across all threads so that none waits for the others.
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
  if (count % threads != 0 && count < 8 * threads) {
    for (int64_t b = 0; b < count; ++b) gemm(item(b));
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < count; ++b) gemm_one_thread(item(b));
}

}  // namespace bertlab::kernels
