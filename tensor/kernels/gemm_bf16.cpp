#include "tensor/kernels/gemm_bf16.h"  // defines: Bf16Weight, to_bf16_rows, gemm_bf16

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "tensor/error.h"
#include "tensor/half.h"           // defines: f32_to_bf16, bf16_to_f32
#include "tensor/kernels/simd.h"   // defines: Batch

namespace bertlab::kernels {

namespace {

constexpr int64_t kPanel = Bf16Weight::kPanel;
// Rows of x per micro-tile: Rows × 2 float32 accumulators in AVX-512 registers, as the int8
// kernel's (tensor/kernels/gemm_int8.cpp): 14 rows fill 31 of the 32.
constexpr int64_t MR = 14;

using Tile = float[MR][kPanel];

// tile[r][j] = Σ_k x[r, k] · W[panel row j, k], k after k, in float32.
template <int64_t Rows>
void portable_tile(const uint16_t* x, int64_t kp, const uint16_t* w, Tile& tile) {
  for (int64_t r = 0; r < Rows; ++r) std::fill_n(tile[r], kPanel, 0.0f);
  for (int64_t k = 0; k < kp; k += 2, w += kPanel * 2)
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t j = 0; j < kPanel; ++j)
        for (int64_t t = 0; t < 2; ++t) tile[r][j] += bf16_to_f32(x[r * kp + k + t]) * bf16_to_f32(w[j * 2 + t]);
}

// vdpbf16ps (AVX512-BF16): in each of 16 float32 lanes, acc += x[2·lane]·w[2·lane] + x[2·lane+1]·w[2·lane+1].
// A row's pair of bf16 (one 32-bit value) is broadcast to every lane; two registers cover the
// panel's 32 rows. Every loop over the rows is unrolled, so acc lives in registers.
template <int64_t Rows>
__attribute__((target("avx512f,avx512bw,avx512bf16"))) void bf16_tile(const uint16_t* x, int64_t kp,
                                                                       const uint16_t* w, Tile& tile) {
  __m512 acc[Rows][2];
#pragma GCC unroll 14
  for (int64_t r = 0; r < Rows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kp; k += 2, w += kPanel * 2) {
    const __m512bh w0 = (__m512bh)_mm512_load_si512(w), w1 = (__m512bh)_mm512_load_si512(w + 32);
#pragma GCC unroll 14
    for (int64_t r = 0; r < Rows; ++r) {
      int32_t pair;
      std::memcpy(&pair, x + r * kp + k, 4);
      const __m512bh xr = (__m512bh)_mm512_set1_epi32(pair);
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], xr, w0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], xr, w1);
    }
  }
#pragma GCC unroll 14
  for (int64_t r = 0; r < Rows; ++r) {
    _mm512_storeu_ps(tile[r], acc[r][0]);
    _mm512_storeu_ps(tile[r] + 16, acc[r][1]);
  }
}

using TileFn = void (*)(const uint16_t*, int64_t, const uint16_t*, Tile&);
template <size_t... R>
constexpr std::array<std::array<TileFn, MR + 1>, 2> tile_table(std::index_sequence<R...>) {
  return {{{nullptr, portable_tile<R + 1>...}, {nullptr, bf16_tile<R + 1>...}}};
}
constexpr auto kTiles = tile_table(std::make_index_sequence<MR>());

// y[j] = tile[j] + bias[j] for `width` columns.
void add_bias(const float* tile, int64_t width, const float* bias, float* y) {
  constexpr int64_t kW = Batch::size;
  int64_t j = 0;
  for (; j + kW <= width && bias; j += kW) (Batch::load_unaligned(tile + j) + Batch::load_unaligned(bias + j)).store_unaligned(y + j);
  for (; j < width; ++j) y[j] = bias ? tile[j] + bias[j] : tile[j];
}

}  // namespace

bool cpu_has(Bf16Kernel kernel) {
  switch (kernel) {
    case Bf16Kernel::portable: return true;
    case Bf16Kernel::avx512_bf16:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512bf16");
  }
  return false;
}

Bf16Kernel best_bf16_kernel() {
  static const Bf16Kernel best = cpu_has(Bf16Kernel::avx512_bf16) ? Bf16Kernel::avx512_bf16 : Bf16Kernel::portable;
  return best;
}

std::string to_string(Bf16Kernel kernel) { return kernel == Bf16Kernel::avx512_bf16 ? "avx512_bf16" : "portable"; }

Bf16Weight::Bf16Weight(const float* w, int64_t N, int64_t K) : N_(N), K_(K) {
  const int64_t kp = k_padded();
  data_.assign((N + kPanel - 1) / kPanel * kPanel * kp, 0);  // the padding: +0.0 in bf16
  for (int64_t n = 0; n < N; ++n) {
    uint16_t* panel = data_.data() + (n / kPanel) * kPanel * kp;
    for (int64_t k = 0; k < K; ++k) panel[(k / 2) * kPanel * 2 + (n % kPanel) * 2 + k % 2] = f32_to_bf16(w[n * K + k]);
  }
}

uint16_t Bf16Weight::at(int64_t n, int64_t k) const {
  return panel(n / kPanel)[(k / 2) * kPanel * 2 + (n % kPanel) * 2 + k % 2];
}

void to_bf16_rows(const float* x, int64_t M, int64_t K, Bf16Rows& out) {
  out.M = M, out.K = K, out.k_padded = (K + 1) / 2 * 2;
  out.v.resize(M * out.k_padded);  // every value is written below: no fill first
#pragma omp parallel for schedule(static) if (M * K >= (int64_t{1} << 16))
  for (int64_t m = 0; m < M; ++m) {
    uint16_t* v = out.v.data() + m * out.k_padded;
    for (int64_t k = 0; k < K; ++k) v[k] = f32_to_bf16(x[m * K + k]);
    std::fill(v + K, v + out.k_padded, uint16_t{0});  // padding: +0.0
  }
}

void gemm_bf16_ref(const Bf16Rows& x, const Bf16Weight& w, const float* bias, float* y) {
  BERT_CHECK(x.K == w.K(), "gemm_bf16: x has {} features, the weight {}", x.K, w.K());
  for (int64_t m = 0; m < x.M; ++m)
    for (int64_t n = 0; n < w.N(); ++n) {
      float acc = 0.0f;
      for (int64_t k = 0; k < x.K; ++k) acc += bf16_to_f32(x.v[m * x.k_padded + k]) * bf16_to_f32(w.at(n, k));
      y[m * w.N() + n] = bias ? acc + bias[n] : acc;
    }
}

void gemm_bf16(const Bf16Rows& x, const Bf16Weight& w, const float* bias, float* y, Bf16Kernel kernel) {
  BERT_CHECK(x.K == w.K(), "gemm_bf16: x has {} features, the weight {}", x.K, w.K());
  BERT_CHECK(cpu_has(kernel), "gemm_bf16: this CPU cannot run the {} kernel", to_string(kernel));
  const auto& tiles = kTiles[kernel == Bf16Kernel::avx512_bf16 ? 1 : 0];
  const int64_t N = w.N(), kp = x.k_padded;
  for_each_block(x.M, N, x.K, kPanel, MR, [&](int64_t p, int64_t m0, int64_t rows) {
    const int64_t n0 = p * kPanel, width = std::min(kPanel, N - n0);
    alignas(64) Tile tile;
    tiles[rows](x.v.data() + m0 * kp, kp, w.panel(p), tile);
    for (int64_t r = 0; r < rows; ++r) add_bias(tile[r], width, bias ? bias + n0 : nullptr, y + (m0 + r) * N + n0);
  });
}

}  // namespace bertlab::kernels
