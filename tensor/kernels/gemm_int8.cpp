#include "tensor/kernels/gemm_int8.h"  // defines: Int8Weight, QuantizedRows, gemm_int8

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "tensor/error.h"
#include "tensor/kernels/simd.h"  // defines: Batch, hmax

namespace bertlab::kernels {

namespace {

constexpr int64_t kPanel = Int8Weight::kPanel;
// Rows of x per micro-tile. The VNNI tile keeps Rows × 2 accumulators (32 int32 columns) in
// AVX-512 registers, plus 2 for the weight panel's 4 k's and 1 for the broadcast x bytes:
// 14 rows use 31 of the 32 registers, and every 2 weight loads serve 28 dot products (12 rows,
// 27 registers, were slower on most of the Linears' shapes on the Zen 4: docs/quantization.md).
constexpr int64_t MR = 14;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

using IntBatch = xsimd::batch<int32_t>;
constexpr int64_t kW = Batch::size;

// round half to even, as torch.round; |v · inv_scale| <= 127 up to one rounding, hence the clamp
int8_t quantize_value(float v, float inv_scale) {
  return static_cast<int8_t>(std::clamp(std::nearbyint(v * inv_scale), -127.0f, 127.0f));
}
Batch quantize_batch(Batch v, float inv_scale) {
  return xsimd::clip(xsimd::nearbyint(v * Batch(inv_scale)), Batch(-127.0f), Batch(127.0f));
}

// max |v| over n values; NaN if any is NaN (max would skip it), infinite if any is.
float max_abs(const float* v, int64_t n) {
  Batch m(0.0f);
  auto nan = m != m;
  int64_t i = 0;
  for (; i + kW <= n; i += kW) {
    const Batch x = Batch::load_unaligned(v + i);
    m = xsimd::max(m, xsimd::abs(x));
    nan = nan || xsimd::isnan(x);
  }
  float out = hmax(m);
  bool any_nan = xsimd::any(nan);
  for (; i < n; ++i) {
    out = std::max(out, std::fabs(v[i]));
    any_nan |= std::isnan(v[i]);
  }
  return any_nan ? NAN : out;
}

// The scale s = max|v| / 127 of a row, and its inverse for quantizing (a row of zeros: s = 1,
// every value 0). Multiplying by 127 / max|v| rather than dividing by s saves a division per value.
struct RowScale {
  float scale, inverse;
};
RowScale row_scale(float amax) {
  if (amax == 0.0f) return {1.0f, 0.0f};
  return {amax / 127.0f, 127.0f / amax};
}

// One row of activations: u[k] = round(x[k] / s) + 128.
void quantize_row(const float* x, int64_t K, float inv_scale, uint8_t* u) {
  int64_t k = 0;
  for (; k + kW <= K; k += kW) {
    alignas(64) int32_t q[kW];
    xsimd::to_int(quantize_batch(Batch::load_unaligned(x + k), inv_scale) + Batch(128.0f)).store_aligned(q);
    for (int64_t i = 0; i < kW; ++i) u[k + i] = static_cast<uint8_t>(q[i]);
  }
  for (; k < K; ++k) u[k] = static_cast<uint8_t>(quantize_value(x[k], inv_scale) + 128);
}

// From the integer sum of row m and column n back to a float, y = Σ x_q·W_q · (s_x·s_w) + b:
// a multiply, then an add, each rounded. So that the scalar and the batch versions (below) write
// the same bits, this file is compiled with -ffp-contract=off (tensor/CMakeLists.txt): the
// compiler may not fuse them into one FMA in one place and not in the other.
float dequantize(int32_t sum_u, int32_t row_sum, float sx, float sw, float bias) {
  const int32_t sum = sum_u - 128 * row_sum;  // Σ x_q·W_q (see the header: why 128)
  return static_cast<float>(sum) * (sx * sw) + bias;
}

// A row of a tile into y: `width` columns from n0, vectors of kW while they fill, then one by one.
void dequantize_row(const int32_t* sum_u, int64_t width, int64_t n0, const Int8Weight& w, float sx,
                    const float* bias, float* y) {
  const int32_t* row_sum = w.row_sums().data() + n0;
  const float* sw = w.scales().data() + n0;
  int64_t j = 0;
  for (; j + kW <= width; j += kW) {
    const IntBatch sum = IntBatch::load_unaligned(sum_u + j) - IntBatch::load_unaligned(row_sum + j) * IntBatch(128);
    const Batch b = bias ? Batch::load_unaligned(bias + n0 + j) : Batch(0.0f);
    (xsimd::to_float(sum) * (Batch(sx) * Batch::load_unaligned(sw + j)) + b).store_unaligned(y + j);
  }
  for (; j < width; ++j) y[j] = dequantize(sum_u[j], row_sum[j], sx, sw[j], bias ? bias[n0 + j] : 0.0f);
}

// ===== The micro-tiles: Rows rows of x against one panel of kPanel weight rows =====
// tile[r][j] = Σ_k u[r, k] · W_q[panel row j, k], over kp k's (a multiple of 4).
using Tile = int32_t[MR][kPanel];

template <int64_t Rows>
void portable_tile(const uint8_t* u, int64_t kp, const int8_t* w, Tile& tile) {
  for (int64_t r = 0; r < Rows; ++r) std::fill_n(tile[r], kPanel, 0);
  for (int64_t k = 0; k < kp; k += 4, w += kPanel * 4)
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t j = 0; j < kPanel; ++j)
        for (int64_t t = 0; t < 4; ++t) tile[r][j] += int32_t{u[r * kp + k + t]} * int32_t{w[j * 4 + t]};
}

// vpdpbusd (AVX512-VNNI): in each of 16 int32 lanes, acc += Σ_{t<4} u8[4·lane + t] · s8[4·lane + t].
// Broadcasting a row's 4 bytes of u (one int32) to every lane multiplies them with 4 k's of 16
// weight rows at once; two registers cover the panel's 32 rows.
template <int64_t Rows>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void vnni_tile(const uint8_t* u, int64_t kp,
                                                                        const int8_t* w, Tile& tile) {
  // Every loop over the rows is unrolled, so that acc lives in registers, not on the stack.
  __m512i acc[Rows][2];
#pragma GCC unroll 14
  for (int64_t r = 0; r < Rows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  for (int64_t k = 0; k < kp; k += 4, w += kPanel * 4) {
    const __m512i w0 = _mm512_load_si512(w), w1 = _mm512_load_si512(w + 64);
#pragma GCC unroll 14
    for (int64_t r = 0; r < Rows; ++r) {
      int32_t quad;
      std::memcpy(&quad, u + r * kp + k, 4);
      const __m512i x = _mm512_set1_epi32(quad);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, w0);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, w1);
    }
  }
#pragma GCC unroll 14
  for (int64_t r = 0; r < Rows; ++r) {
    _mm512_storeu_si512(tile[r], acc[r][0]);
    _mm512_storeu_si512(tile[r] + 16, acc[r][1]);
  }
}

// The tile function for each kernel and row count: kTiles[kernel][rows], so the last rows of an
// M that is not a multiple of MR do no work on padding.
using TileFn = void (*)(const uint8_t*, int64_t, const int8_t*, Tile&);
template <size_t... R>
constexpr std::array<std::array<TileFn, MR + 1>, 2> tile_table(std::index_sequence<R...>) {
  return {{{nullptr, portable_tile<R + 1>...}, {nullptr, vnni_tile<R + 1>...}}};
}
constexpr auto kTiles = tile_table(std::make_index_sequence<MR>());

}  // namespace

// ===== Kernel choice =====

bool cpu_has(Int8Kernel kernel) {
  switch (kernel) {
    case Int8Kernel::portable: return true;
    case Int8Kernel::avx512_vnni:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

Int8Kernel best_int8_kernel() {
  static const Int8Kernel best = cpu_has(Int8Kernel::avx512_vnni) ? Int8Kernel::avx512_vnni : Int8Kernel::portable;
  return best;
}

std::string to_string(Int8Kernel kernel) {
  return kernel == Int8Kernel::avx512_vnni ? "avx512_vnni" : "portable";
}

// ===== The weight =====

Int8Weight::Int8Weight(const float* w, int64_t N, int64_t K) : N_(N), K_(K), scale_(N), row_sum_(N) {
  // |Σ u·W_q| <= 255 · 127 · K must fit an int32 sum.
  BERT_CHECK(K <= 65536, "Int8Weight: in_features {} is too large for int32 sums: expected at most 65536", K);
  const int64_t kp = k_padded();
  data_.assign(ceil_div(N, kPanel) * kPanel * kp, 0);  // the padding: W_q = 0
  for (int64_t n = 0; n < N; ++n) {
    const float* row = w + n * K;
    const float amax = max_abs(row, K);
    BERT_CHECK(std::isfinite(amax), "Int8Weight: weight row {} has an infinite or NaN value: cannot be quantized", n);
    const RowScale s = row_scale(amax);
    scale_[n] = s.scale;
    int8_t* panel = data_.data() + (n / kPanel) * kPanel * kp;
    const int64_t j = n % kPanel;
    int32_t sum = 0;
    for (int64_t k = 0; k < K; ++k) {
      const int8_t q = quantize_value(row[k], s.inverse);
      panel[(k / 4) * kPanel * 4 + j * 4 + k % 4] = q;
      sum += q;
    }
    row_sum_[n] = sum;
  }
}

int8_t Int8Weight::q(int64_t n, int64_t k) const {
  return panel(n / kPanel)[(k / 4) * kPanel * 4 + (n % kPanel) * 4 + k % 4];
}

int64_t Int8Weight::bytes() const {
  return static_cast<int64_t>(data_.size() + scale_.size() * sizeof(float) + row_sum_.size() * sizeof(int32_t));
}

// ===== The activations =====

void quantize_rows(const float* x, int64_t M, int64_t K, QuantizedRows& out) {
  out.M = M, out.K = K, out.k_padded = (K + 3) / 4 * 4;
  out.u.resize(M * out.k_padded);  // every byte is written below: no fill first
  out.scales.resize(M);
  std::vector<char> bad(M, 0);  // a row that cannot be scaled (thrown after the parallel loop)
#pragma omp parallel for schedule(static) if (M * K >= (int64_t{1} << 16))
  for (int64_t m = 0; m < M; ++m) {
    const float* row = x + m * K;
    const float amax = max_abs(row, K);
    bad[m] = !std::isfinite(amax);
    if (bad[m]) continue;  // its values have no int8 (and NaN has no integer at all)
    const RowScale s = row_scale(amax);
    out.scales[m] = s.scale;
    uint8_t* u = out.u.data() + m * out.k_padded;
    quantize_row(row, K, s.inverse, u);
    std::fill(u + K, u + out.k_padded, uint8_t{128});  // padding: x_q = 0
  }
  const auto first_bad = std::find(bad.begin(), bad.end(), 1);
  BERT_CHECK(first_bad == bad.end(),
             "quantize_rows: row {} of the [{}, {}] input has an infinite or NaN value: int8 cannot represent it",
             first_bad - bad.begin(), M, K);
}

// ===== The GEMMs =====

void gemm_int8_ref(const QuantizedRows& x, const Int8Weight& w, const float* bias, float* y) {
  BERT_CHECK(x.K == w.K(), "gemm_int8: x has {} features, the weight {}", x.K, w.K());
  for (int64_t m = 0; m < x.M; ++m)
    for (int64_t n = 0; n < w.N(); ++n) {
      int32_t sum_u = 0;
      for (int64_t k = 0; k < x.K; ++k) sum_u += int32_t{x.u[m * x.k_padded + k]} * int32_t{w.q(n, k)};
      y[m * w.N() + n] = dequantize(sum_u, w.row_sums()[n], x.scales[m], w.scales()[n], bias ? bias[n] : 0.0f);
    }
}

// A panel, kPanel × K bytes (24 KB at K = 768), stays in L1/L2 while every row of x passes by
// (tensor/kernels/panel_loop.h).
void gemm_int8(const QuantizedRows& x, const Int8Weight& w, const float* bias, float* y, Int8Kernel kernel) {
  BERT_CHECK(x.K == w.K(), "gemm_int8: x has {} features, the weight {}", x.K, w.K());
  BERT_CHECK(cpu_has(kernel), "gemm_int8: this CPU cannot run the {} kernel", to_string(kernel));
  const auto& tiles = kTiles[kernel == Int8Kernel::avx512_vnni ? 1 : 0];
  const int64_t N = w.N(), kp = x.k_padded;
  for_each_block(x.M, N, x.K, kPanel, MR, [&](int64_t p, int64_t m0, int64_t rows) {
    const int64_t n0 = p * kPanel, width = std::min(kPanel, N - n0);
    alignas(64) Tile tile;
    tiles[rows](x.u.data() + m0 * kp, kp, w.panel(p), tile);
    for (int64_t r = 0; r < rows; ++r)
      dequantize_row(tile[r], width, n0, w, x.scales[m0 + r], bias, y + (m0 + r) * N + n0);
  });
}

}  // namespace bertlab::kernels
