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

// Cache blocking: C is cut into blocks of MC×NC, and K into steps of KC, so that what the
// inner loops reuse stays in cache (sizes for AVX2 on a core with 32 KB L1 and 512 KB L2).
//   KC: the depth of a k block. One packed B micro-panel, KC×NR floats = 24 KB, stays in L1
//       while the kernel sweeps every A micro-panel of the block past it. (256 and 512 were
//       measured too: 384 was 5% faster on BERT's shapes.)
//   MC: the rows of a block: its packed A, MC×KC floats = 180 KB, stays in L2.
//   NC: the columns of a block. Blocks are the units of work shared out among threads, so
//       they are small enough (8 micro-panels) for even M = 26 to give every thread some.
constexpr int64_t KC = 384;
constexpr int64_t MC = 120;     // a multiple of MR
constexpr int64_t NC = 8 * NR;  // a multiple of NR

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

// Copies rows [r0, r0 + w) × columns [k0, k0 + kc) of src (w <= Width) into one panel:
// k after k, the Width values of the panel's rows side by side,
//   out[k·Width + r] = src(r0 + r, k0 + k),
// so that the micro-kernel reads it with unit stride. Rows past w are zeros: edge tiles then
// need no special case while multiplying, and their extra lanes are simply not stored.
template <int64_t Width>
void pack_panel(Strided src, int64_t r0, int64_t w, int64_t k0, int64_t kc, float* out) {
  const float* s = src.p + r0 * src.rs + k0 * src.cs;
  const auto copy_rows = [&](int64_t rows) {
    for (int64_t k = 0; k < kc; ++k)
      for (int64_t r = 0; r < rows; ++r) out[k * Width + r] = s[r * src.rs + k * src.cs];
  };
  if (w == Width) {
    copy_rows(Width);  // a constant count: the compiler unrolls the copy of a full panel
  } else {
    std::fill_n(out, kc * Width, 0.0f);
    copy_rows(w);
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
  // Ask for C's rows now, so that they arrive while the loop runs, not after it.
  for (int64_t r = 0; r < Rows; ++r) {
    __builtin_prefetch(c + r * ldc, 1);
    __builtin_prefetch(c + r * ldc + NR - 1, 1);
  }
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

// ===== The blocked algorithm =====
// All of A and all of B are packed first, k block after k block: A in MR-row panels, B in
// NR-column panels. The panel of k block pc (pc a multiple of KC, every block but the last
// KC deep) that holds row i0 of A starts at packed_a + pc·m_pad + i0·kc, with m_pad = M
// rounded up to MR; likewise for B with columns and n_pad.
struct Packed {
  float* a;
  float* b;
  int64_t m_pad, n_pad;
};

float* grow(AlignedFloats& buffer, int64_t size) {
  if (static_cast<int64_t>(buffer.size()) < size) buffer.resize(size);
  return buffer.data();
}

// Panel `panel` of k block `kb` of an operand with `rows` rows, into its place (see Packed).
template <int64_t Width>
void pack_into(Strided src, int64_t rows, int64_t K, int64_t rows_pad, int64_t kb,
               int64_t panel, float* packed) {
  const int64_t k0 = kb * KC, kc = std::min(KC, K - k0), r0 = panel * Width;
  pack_panel<Width>(src, r0, std::min(Width, rows - r0), k0, kc, packed + k0 * rows_pad + r0 * kc);
}

// The block of C at rows [i0, i0 + mc) and columns [j0, j0 + nc): the three loops around the
// micro-kernel. Every element is summed k block after k block, always in the same order.
void compute_block(const GemmArgs& g, const Packed& p, int64_t i0, int64_t mc, int64_t j0,
                   int64_t nc) {
  for (int64_t pc = 0; pc < g.K; pc += KC) {
    const int64_t kc = std::min(KC, g.K - pc);
    const bool add = g.accumulate || pc > 0;  // later k blocks add onto the earlier ones
    const float* a = p.a + pc * p.m_pad + i0 * kc;
    const float* b = p.b + pc * p.n_pad + j0 * kc;
    for (int64_t jr = 0; jr < nc; jr += NR)
      for (int64_t ir = 0; ir < mc; ir += MR)
        kMicroKernels[std::min(MR, mc - ir)](kc, a + ir * kc, b + jr * kc,
                                             g.C + (i0 + ir) * g.ldc + j0 + jr, g.ldc,
                                             std::min(NR, nc - jr), add);
  }
}

// ===== Few rows of A times a transposed B: dot products, no packing =====
// With trans_b, B is stored N×K (a Linear's weight [out, in]): row j of B holds column j of
// the product, contiguous in k, and so does row i of A. C[i][j] is then the dot product of
// two contiguous rows. The packed algorithm copies all N×K values of B first, but each is
// used only M times: when A has few rows (the lab's 26 tokens) the copy costs more than the
// multiply. So these GEMMs read both operands where they are: a tile of Rows×Cols dot
// products runs down k together, 8 lanes at a time (each A load feeds Cols FMAs, each B load
// Rows), and each sum is finished across its lanes at the end.
constexpr int64_t kDotMaxRows = 64;  // up to this M the dot products win (measured: docs/simd.md)
constexpr int64_t kDotRows = 2, kDotCols = 4;

template <int64_t Rows, int64_t Cols>
void dot_tile(const GemmArgs& g, int64_t i0, int64_t j0) {
  const float* a = g.A + i0 * g.lda;
  const float* b = g.B + j0 * g.ldb;
  Batch acc[Rows][Cols];
  for (auto& row : acc)
    for (Batch& sum : row) sum = Batch(0.0f);
  const int64_t k_vec = g.K - g.K % kW;  // the k that fill whole batches; the rest below
  for (int64_t k = 0; k < k_vec; k += kW) {
    Batch bk[Cols];
    for (int64_t j = 0; j < Cols; ++j) bk[j] = Batch::load_unaligned(b + j * g.ldb + k);
    for (int64_t i = 0; i < Rows; ++i) {
      const Batch ak = Batch::load_unaligned(a + i * g.lda + k);
      for (int64_t j = 0; j < Cols; ++j) acc[i][j] = xsimd::fma(ak, bk[j], acc[i][j]);
    }
  }
  for (int64_t i = 0; i < Rows; ++i)
    for (int64_t j = 0; j < Cols; ++j) {
      float sum = xsimd::hadd(acc[i][j]);  // the 8 lanes' partial sums
      for (int64_t k = k_vec; k < g.K; ++k) sum += a[i * g.lda + k] * b[j * g.ldb + k];
      float& c = g.C[(i0 + i) * g.ldc + j0 + j];
      c = g.accumulate ? c + sum : sum;
    }
}

// Columns in groups of kDotCols (one at a time at the edge), rows in pairs, shared out among
// the threads by column block: each C element is one thread's, computed the same way on any.
void gemm_dot(const GemmArgs& g, bool parallel) {
  constexpr int64_t kBlockCols = 16 * kDotCols;
  const int64_t blocks = ceil_div(g.N, kBlockCols);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t block = 0; block < blocks; ++block) {
    const int64_t j_end = std::min(g.N, (block + 1) * kBlockCols);
    for (int64_t j = block * kBlockCols; j < j_end; j += kDotCols) {
      const bool full = j + kDotCols <= j_end;
      for (int64_t i = 0; i < g.M; i += kDotRows) {
        const bool pair = i + kDotRows <= g.M;
        if (full) {
          pair ? dot_tile<kDotRows, kDotCols>(g, i, j) : dot_tile<1, kDotCols>(g, i, j);
        } else {
          for (int64_t jj = j; jj < j_end; ++jj) pair ? dot_tile<kDotRows, 1>(g, i, jj) : dot_tile<1, 1>(g, i, jj);
        }
      }
    }
  }
}

}  // namespace

// Threads share out the packing (panel by panel) and then the blocks of C (block by block,
// each to whichever thread is free). A block belongs to one thread, and its arithmetic does
// not depend on which thread that is, so C is bitwise the same for any number of threads.
void gemm(const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  if (g.K == 0) {  // an empty sum: C = 0, or C unchanged when accumulating
    for (int64_t i = 0; i < g.M && !g.accumulate; ++i) std::fill_n(g.C + i * g.ldc, g.N, 0.0f);
    return;
  }
  // Small products, and calls from inside a parallel region (gemm_batched), use one thread.
  const bool parallel = g.M * g.N * g.K >= kParallelMinWork && !omp_in_parallel();
  if (g.trans_b && !g.trans_a && g.M <= kDotMaxRows) return gemm_dot(g, parallel);
  thread_local AlignedFloats a_buffer, b_buffer;  // reused across calls: no allocation per GEMM
  const int64_t m_pad = round_up(g.M, MR), n_pad = round_up(g.N, NR);
  const Packed p{grow(a_buffer, m_pad * g.K), grow(b_buffer, n_pad * g.K), m_pad, n_pad};
  const Strided a = view_a(g), bt = view_bt(g);
  const int64_t k_blocks = ceil_div(g.K, KC), a_panels = m_pad / MR, b_panels = n_pad / NR;
  const int64_t row_blocks = ceil_div(g.M, MC), col_blocks = ceil_div(g.N, NC);
#pragma omp parallel if (parallel)
  {
#pragma omp for schedule(static) nowait
    for (int64_t t = 0; t < k_blocks * a_panels; ++t)
      pack_into<MR>(a, g.M, g.K, m_pad, t / a_panels, t % a_panels, p.a);
#pragma omp for schedule(static)  // its closing barrier: all packing is done past this point
    for (int64_t t = 0; t < k_blocks * b_panels; ++t)
      pack_into<NR>(bt, g.N, g.K, n_pad, t / b_panels, t % b_panels, p.b);
#pragma omp for schedule(dynamic) collapse(2) nowait  // the region's end waits for all
    for (int64_t ib = 0; ib < row_blocks; ++ib)
      for (int64_t jb = 0; jb < col_blocks; ++jb)
        compute_block(g, p, ib * MC, std::min(MC, g.M - ib * MC), jb * NC,
                      std::min(NC, g.N - jb * NC));
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
