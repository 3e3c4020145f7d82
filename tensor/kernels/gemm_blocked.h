// gemm's blocked algorithm, written once for any vector width: packing, the register-tile
// micro-kernel, cache blocking (docs/simd.md walks through it step by step). Each
// gemm_<kernel>.cpp includes this file and compiles Blocked<Arch, Registers> for its own
// instruction set: Arch an xsimd architecture (xsimd::fma3<xsimd::avx2>, xsimd::avx512f, ...),
// Registers the number of vector registers the micro-kernel may fill.
//
// Everything here is in an anonymous namespace, so each of those files gets a copy of its own,
// compiled with its own flags. Shared (inline) functions would be merged by the linker into one
// copy, perhaps the AVX-512 one, and an AVX2 CPU calling it would stop on an illegal instruction.
// For the same reason the packing buffers are not std::vectors (whose code is shared), and the
// kernel files are compiled with -O3 even in the sanitizer build, so that xsimd's small functions
// are inlined rather than shared (tensor/CMakeLists.txt; tests/check_kernel_symbols.py checks).
#pragma once

#include "tensor/kernels/gemm_variant.h"  // defines: GemmVariant, ceil_div, round_up
#include "tensor/kernels/simd.h"          // defines: transpose_square, xsimd

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace bertlab::kernels {
namespace {

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

// A thread's packing buffer, grown when a call needs more; 64-byte aligned for any Batch.
class Buffer {
 public:
  float* grow(int64_t floats) {
    if (floats > floats_) {
      data_.reset(static_cast<float*>(std::aligned_alloc(64, round_up(floats * sizeof(float), 64))));
      if (!data_) throw std::bad_alloc();
      floats_ = floats;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  int64_t floats_ = 0;
};

// Asking for B before it is packed. B (a weight) usually comes from main memory, and packing
// it stalls on every cache line: at 128 tokens that was a fifth of a forward pass. So while the
// micro-kernel runs the first row block past one micro-panel, it asks, a few lines per k chunk,
// for the lines of the micro-panel packed next (`__builtin_prefetch`, into L2). They arrive
// while the FMAs run, and the packing finds them in cache. A prefetch issued all at once
// before a micro-kernel call did not help: the burst itself waited for memory.
// The region: columns [j0, j0 + w) × k in [k0, k0 + kc) of B, as `runs` runs of `length`
// contiguous floats `stride` apart (along k per column for a transposed B, else along the
// columns per k), spread over `steps` calls of issue().
class Prefetch {
 public:
  Prefetch() = default;
  Prefetch(Strided bt, int64_t j0, int64_t w, int64_t k0, int64_t kc, int64_t steps)
      : p_(bt.p + j0 * bt.rs + k0 * bt.cs),
        runs_(bt.rs == 1 ? kc : w),  // as pack_b tells the two layouts apart
        stride_(bt.rs == 1 ? bt.cs : bt.rs),
        lines_per_run_(ceil_div(bt.rs == 1 ? w : kc, kLineFloats) + 1),  // +1: runs are unaligned
        length_(bt.rs == 1 ? w : kc),
        per_step_(ceil_div(runs_ * lines_per_run_, steps)) {}
  // The next lines, one step's share (none once the region is done, or for an empty Prefetch).
  void issue() {
    for (int64_t n = 0; n < per_step_ && run_ < runs_; ++n) {
      __builtin_prefetch(p_ + run_ * stride_ + std::min(line_ * kLineFloats, length_ - 1), 0, 2);
      if (++line_ == lines_per_run_) line_ = 0, ++run_;
    }
  }

 private:
  static constexpr int64_t kLineFloats = 64 / sizeof(float);
  const float* p_ = nullptr;
  int64_t runs_ = 0, stride_ = 0, lines_per_run_ = 0, length_ = 0, per_step_ = 0;
  int64_t run_ = 0, line_ = 0;
};

// The blocked algorithm on one kind of vector: Batch, a register of Arch, and as many of them as
// the instruction set has. variant() hands gemm.cpp its tile and its two entry points.
template <class Arch, int64_t kVectorRegisters>
struct Blocked {
  using Batch = xsimd::batch<float, Arch>;

  // ===== Blocking parameters =====
  // The micro-kernel holds an MR×NR tile of C in registers while it runs down k: NR = 2 batches
  // wide, MR rows, 2·MR accumulators, plus 2 registers for a row of B and 1 for a broadcast
  // element of A. MR is as large as the vector registers allow, because each step loads 2
  // batches of B and 1 of A per row for 2·MR FMAs: the more rows, the fewer loads per FMA.
  //   avx2       (16 registers of 8 floats):   6 × 16, 12 accumulators, 15 registers in use.
  //   avx512_256 (32 registers of 8 floats):  14 × 16, 28 accumulators, 31 registers in use.
  //   avx512     (32 registers of 16 floats): 14 × 32, 28 accumulators, 31 registers in use.
  static constexpr int64_t kW = Batch::size;
  static constexpr int64_t MR = (kVectorRegisters - 3) / 2;
  static constexpr int64_t NR = 2 * kW;

  // Cache blocking (the loops of BLIS): K is cut into steps of KC, C into blocks of MC rows and
  // NC columns, so that what the inner loops reuse stays in cache.
  //   KC: the depth of a k block. Every k block passes over the block of C once more (loads and
  //       stores its tiles), so deeper is better, as long as one packed B micro-panel, KC×NR
  //       floats, stays near L1 while the kernel sweeps every A micro-panel of the block past it:
  //       384×16 floats = 24 KB at 8 floats a register; 384×32 = 48 KB at 16, the whole L1 of
  //       some CPUs, and still faster than 192 or 256 (measured: docs/simd.md). It is 384 in
  //       every variant for another reason too: an element of C is then summed in the same
  //       order by each (k after k within a block, block after block), so all give the same bits.
  //   MC: the rows of a block: its packed A, MC×KC floats, stays in L2 (180 KB at 6 rows a
  //       tile, 126 KB at 14).
  //   NC: the columns of a packed B panel, KC×NC floats, which every row block of the thread's
  //       part of C passes by: 384×768 floats = 1.2 MB stay in a 2 MB L2 beside the block of A.
  //       A wider panel (3072, BERT's widest Linear, packs A only once) spills out of L2, and the
  //       later row blocks read it back from further away: 1–4% slower on bert-base's Linears.
  static constexpr int64_t KC = 384;
  static constexpr int64_t MC = (kVectorRegisters == 32 ? 6 : 20) * MR;  // a multiple of MR: 84 or 120
  static constexpr int64_t NC = 768;                                      // a multiple of NR (16 or 32)
  static_assert(KC % kW == 0, "a full k block is whole chunks, so PackedB's block k0 starts at k0·N_padded");

  // Both packed operands hold k in whole chunks of kW (one Batch's worth): kc is rounded up to
  // kp = round_up(kc, kW), and the padding is zeros in A and in B, whose products add nothing.
  // Rows and columns past the edge of the matrix are zeros too: edge tiles then need no special
  // case while multiplying, and their extra lanes are simply not stored.

  // One micro-panel of B: columns [j0, j0 + w) (w <= NR) × k in [k0, k0 + kc), k after k, the NR
  // values side by side,
  //   out[k·NR + j] = B(k0 + k, j0 + j),
  // so that the micro-kernel loads a row of the micro-panel as 2 Batches.
  static void pack_b(Strided bt, int64_t j0, int64_t w, int64_t k0, int64_t kc, float* out) {
    const int64_t kp = round_up(kc, kW);
    if (w < NR || kc != kp) std::fill_n(out, kp * NR, 0.0f);
    const float* s = bt.p + j0 * bt.rs + k0 * bt.cs;
    if (bt.rs == 1) {  // B as stored: row k of the micro-panel is w contiguous floats
      for (int64_t k = 0; k < kc; ++k) {
        const float* row = s + k * bt.cs;
        if (w == NR) {
          Batch::load_unaligned(row).store_aligned(out + k * NR);
          Batch::load_unaligned(row + kW).store_aligned(out + k * NR + kW);
        } else {
          std::copy_n(row, w, out + k * NR);
        }
      }
      return;
    }
    // B transposed (a Linear's weight [out, in]): each column of the micro-panel lies along k.
    // Squares of kW columns × kW k's are loaded as Batches along k and transposed in registers;
    // the edges (a partial chunk of k, a micro-panel narrower than NR) go value by value.
    const int64_t k_whole = w == NR ? kc - kc % kW : 0;
    for (int64_t k = 0; k < k_whole; k += kW)
      for (int64_t j0 = 0; j0 < NR; j0 += kW) {
        Batch square[kW];
        for (int64_t j = 0; j < kW; ++j) square[j] = Batch::load_unaligned(s + (j0 + j) * bt.rs + k);
        transpose_square(square);  // square[kk] = the kW columns at k + kk
        for (int64_t kk = 0; kk < kW; ++kk) square[kk].store_aligned(out + (k + kk) * NR + j0);
      }
    for (int64_t k = k_whole; k < kc; ++k)
      for (int64_t j = 0; j < w; ++j) out[k * NR + j] = s[j * bt.rs + k];
  }

  // An A micro-panel: rows [i0, i0 + h) of A's M rows (h <= MR) × k in [k0, k0 + kc), chunk after
  // chunk of kW k's, in each chunk the MR rows one after another,
  //   out[c·MR·kW + r·kW + kk] = A(i0 + r, k0 + c·kW + kk),
  // so that the micro-kernel finds a row's value for step kk of a chunk at a fixed offset
  // r·kW + kk. When A is stored row by row (the usual case: activations [tokens, features]), each
  // row's chunk is kW contiguous floats: packing is a straight copy of one Batch.
  static void pack_a(Strided a, int64_t M, int64_t i0, int64_t h, int64_t k0, int64_t kc, float* out) {
    const float* s = a.p + i0 * a.rs + k0 * a.cs;
    if (h < MR || kc % kW != 0) std::fill_n(out, round_up(kc, kW) * MR, 0.0f);
    for (int64_t c = 0; c < kc; c += kW, out += MR * kW) {
      const int64_t n = std::min(kW, kc - c);
      if (a.cs == 1 && n == kW) {  // A as stored: one Batch of each row
        for (int64_t r = 0; r < h; ++r) Batch::load_unaligned(s + r * a.rs + c).store_aligned(out + r * kW);
      } else if (a.cs == 1) {  // the last, partial chunk
        for (int64_t r = 0; r < h; ++r) std::copy_n(s + r * a.rs + c, n, out + r * kW);
      } else if (n == kW && h <= kW && i0 + kW <= M) {
        // A transposed (a gradient's dYᵀ): per k, kW rows lie side by side. Load a square of kW k's
        // × kW rows (the rows past the panel are read, then dropped) and transpose it.
        Batch square[kW];
        for (int64_t kk = 0; kk < kW; ++kk) square[kk] = Batch::load_unaligned(s + (c + kk) * a.cs);
        transpose_square(square);  // square[r] = row r's kW values
        for (int64_t r = 0; r < h; ++r) square[r].store_aligned(out + r * kW);
      } else {  // A transposed, at the edges: value by value
        for (int64_t kk = 0; kk < n; ++kk)
          for (int64_t r = 0; r < h; ++r) out[r * kW + kk] = s[r + (c + kk) * a.cs];
      }
    }
  }

  // ===== Micro-kernel =====
  // Writes the Rows×NR tile acc (plus the bias of its columns, when given) into C's first n
  // columns: C = acc, or C += acc when `add`. Full-width tiles go straight from registers to C;
  // narrower ones pass through a buffer.
  template <int64_t Rows>
  static void store_tile(Batch (&acc)[Rows][2], float* c, int64_t ldc, int64_t n, bool add, const float* bias) {
    if (n == NR) {
      for (int64_t v = 0; v < 2 && bias; ++v) {
        const Batch b = Batch::load_unaligned(bias + v * kW);
        for (int64_t r = 0; r < Rows; ++r) acc[r][v] += b;
      }
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
      for (int64_t j = 0; j < n; ++j) {
        const float value = bias ? tile[r][j] + bias[j] : tile[r][j];
        c[r * ldc + j] = add ? value + c[r * ldc + j] : value;
      }
  }

  // C tile (+)= (packed A micro-panel)ᵀ · (packed B micro-panel) over kp steps of k (a multiple
  // of kW): per k, one row of B (2 batches) meets Rows broadcast elements of A in 2·Rows fused
  // multiply-adds. The loop over a chunk's kW steps is unrolled, so every load of A has a
  // constant offset. Rows is MR except in the last row panel of an M that is not a multiple of MR.
  template <int64_t Rows>
  static void micro_kernel(int64_t kp, const float* a, const float* b, float* c, int64_t ldc, int64_t n,
                    bool add, const float* bias, Prefetch& next) {
    // Ask for C's rows now, so that they arrive while the loop runs, not after it.
    for (int64_t r = 0; r < Rows; ++r) {
      __builtin_prefetch(c + r * ldc, 1);
      __builtin_prefetch(c + r * ldc + NR - 1, 1);
    }
    Batch acc[Rows][2];
    for (auto& row : acc) row[0] = row[1] = Batch(0.0f);
    for (int64_t k0 = 0; k0 < kp; k0 += kW, a += MR * kW) {
      next.issue();  // a few lines of B's next micro-panel (see Prefetch)
  #pragma GCC unroll 16
      for (int64_t kk = 0; kk < kW; ++kk, b += NR) {
        const Batch b0 = Batch::load_aligned(b), b1 = Batch::load_aligned(b + kW);
        for (int64_t r = 0; r < Rows; ++r) {
          const Batch ar(a[r * kW + kk]);
          acc[r][0] = fmadd(ar, b0, acc[r][0]);
          acc[r][1] = fmadd(ar, b1, acc[r][1]);
        }
      }
    }
    store_tile<Rows>(acc, c, ldc, n, add, bias);
  }

  // The kernel for each row count, so that an edge panel does no multiply-adds on padding:
  // micro_kernels(...)[r] is micro_kernel<r>.
  using MicroKernel = void (*)(int64_t, const float*, const float*, float*, int64_t, int64_t, bool, const float*, Prefetch&);
  template <size_t... Rows>
  static constexpr std::array<MicroKernel, MR + 1> micro_kernels(std::index_sequence<Rows...>) {
    return {nullptr, &micro_kernel<Rows + 1>...};
  }

  // ===== The blocked algorithm =====
  // Each thread computes its own rectangle of C, packing what it needs into buffers of its own:
  //   for each NC columns:               (the part's columns)
  //     for each k block of KC:          (a KC×NC panel of B, in NR-column micro-panels)
  //       for each MC rows:              pack the MC×KC block of A, in MR-row micro-panels
  //         for each B micro-panel:      the first row block packs it; it stays in L1 ...
  //           for each A micro-panel:    ... while the micro-kernel runs every A micro-panel past it
  // Each packed value is used right after it was written, while it is still in cache.

  // C's rows [m0, m1) × columns [n0, n1), on the calling thread. Every element is summed k block
  // after k block, always in the same order, whatever the rectangle.
  static void part(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    thread_local Buffer a_buffer, b_buffer;  // this thread's, reused across calls
    static constexpr auto kMicroKernels = micro_kernels(std::make_index_sequence<MR>());
    const Strided a = view_a(g), bt = view_bt(g);
    float* packed_a = a_buffer.grow(MC * KC);
    float* packed_b = g.packed_b ? nullptr : b_buffer.grow(std::min(NC, round_up(n1 - n0, NR)) * KC);
    for (int64_t jc = n0; jc < n1; jc += NC) {
      const int64_t nc = std::min(NC, n1 - jc);
      for (int64_t pc = 0; pc < g.K; pc += KC) {
        const int64_t kc = std::min(KC, g.K - pc);
        const bool add = g.accumulate || pc > 0;  // later k blocks add onto the earlier ones
        const float* bias = pc == 0 && g.bias ? g.bias + jc : nullptr;  // stored with the first
        const int64_t kp = round_up(kc, kW);
        for (int64_t ic = m0; ic < m1; ic += MC) {
          const int64_t mc = std::min(MC, m1 - ic);
          for (int64_t ir = 0; ir < mc; ir += MR) pack_a(a, g.M, ic + ir, std::min(MR, mc - ir), pc, kc, packed_a + ir * kp);
          // The first row block packs each micro-panel of B as it reaches it; the others reuse them.
          // A B packed ahead has them all already.
          const bool packs_b = ic == m0 && !g.packed_b;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const float* b = g.packed_b ? g.packed_b->panel(pc, jc + jr) : packed_b + jr * kp;
            if (packs_b) pack_b(bt, jc + jr, std::min(NR, nc - jr), pc, kc, packed_b + jr * kp);
            Prefetch next;  // the micro-panel packed next, over the k chunks of this one's kernels
            if (packs_b && jr + NR < nc) next = Prefetch(bt, jc + jr + NR, std::min(NR, nc - jr - NR), pc, kc, ceil_div(mc, MR) * kp / kW);
            for (int64_t ir = 0; ir < mc; ir += MR) {
              kMicroKernels[std::min(MR, mc - ir)](kp, packed_a + ir * kp, b, g.C + (ic + ir) * g.ldc + jc + jr, g.ldc,
                                                   std::min(NR, nc - jr), add, bias ? bias + jr : nullptr, next);
            }
          }
        }
      }
    }
  }

  // A micro-panel of op(B) for PackedB, packed exactly as part() packs it.
  static void pack_b_panel(const GemmArgs& g, int64_t j0, int64_t w, int64_t k0, int64_t kc, float* out) {
    pack_b(view_bt(g), j0, w, k0, kc, out);
  }

  static const GemmVariant& variant() {
    static const GemmVariant v{kW, MR, NR, KC, &part, &pack_b_panel};
    return v;
  }
};

}  // namespace
}  // namespace bertlab::kernels
