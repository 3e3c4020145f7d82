// int8 GEMM for dynamic quantization: y = x · Wᵀ + b with W and x rounded to 8-bit integers,
// multiplied in integers, and scaled back to floats (docs/quantization.md).
//
//   Weights, once (symmetric, per output row n):   s_w[n] = max_k |W[n, k]| / 127
//                                                   W_q[n, k] = round(W[n, k] / s_w[n])     in [-127, 127]
//   Activations, every call (per row m, a token):   s_x[m] = max_k |x[m, k]| / 127
//                                                   x_q[m, k] = round(x[m, k] / s_x[m])     in [-127, 127]
//   Then   y[m, n] = s_x[m] · s_w[n] · Σ_k x_q[m, k] · W_q[n, k]  +  b[n]
// where the sum is exact: int8 × int8 products added in int32.
// Example: x = [0.5, -1.0], W = [[1.0, 0.25]] -> s_x = 1/127, x_q = [64, -127];
//   s_w = 1/127, W_q = [127, 32] -> y = (64·127 - 127·32) / 127² = 0.2520 (exact: 0.25).
//
// Why the offset of 128: the CPU's int8 dot product (VNNI's vpdpbusd, 4 products per 32-bit
// lane) multiplies an *unsigned* byte by a signed one. So x_q is stored as u = x_q + 128 in
// [1, 255], and the extra 128 · Σ_k W_q[n, k] (known once the weight is quantized) is taken off:
//   Σ_k u[m, k] · W_q[n, k] - 128 · Σ_k W_q[n, k] = Σ_k x_q[m, k] · W_q[n, k].
//
// gemm_int8_ref is the loop to read; gemm_int8 runs the same integer sums on packed weights
// with the fastest kernel this CPU has (chosen at run time), and gives the same bits as the
// reference for any kernel and any number of threads: integer sums do not depend on order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/kernels/panel_loop.h"  // defines: Aligned64

namespace bertlab::kernels {

// The integer kernels gemm_int8 can run; `best_int8_kernel()` is the fastest this CPU has.
enum class Int8Kernel {
  portable,     // plain C++ loops over the packed layout, on any CPU
  avx512_vnni,  // vpdpbusd: 64 u8·s8 products per instruction into 16 int32 sums
};
Int8Kernel best_int8_kernel();
bool cpu_has(Int8Kernel kernel);
std::string to_string(Int8Kernel kernel);

// A weight [N, K] (a Linear's [out, in]) quantized per row and packed for the kernels.
class Int8Weight {
 public:
  Int8Weight(const float* w, int64_t N, int64_t K);  // w row-major [N, K]; all finite
  int64_t N() const { return N_; }
  int64_t K() const { return K_; }
  const std::vector<float>& scales() const { return scale_; }  // s_w [N]
  int8_t q(int64_t n, int64_t k) const;                        // W_q[n, k], read from the packing
  int64_t bytes() const;                                       // what the weight occupies

  // The layout the kernels read: panels of kPanel output rows; in a panel, for each group of 4
  // k's, the kPanel rows' 4 bytes side by side (kPanel·4 bytes: 2 AVX-512 registers):
  //   panel(p)[(k / 4) · kPanel · 4 + j · 4 + k % 4] = W_q[p·kPanel + j, k]
  // K is padded to a multiple of 4 and N to a multiple of kPanel with zeros, which add nothing.
  static constexpr int64_t kPanel = 32;
  int64_t k_padded() const { return (K_ + 3) / 4 * 4; }
  const int8_t* panel(int64_t p) const { return data_.data() + p * kPanel * k_padded(); }
  const std::vector<int32_t>& row_sums() const { return row_sum_; }  // Σ_k W_q[n, k] [N]

 private:
  int64_t N_, K_;
  std::vector<float> scale_;
  std::vector<int32_t> row_sum_;
  Aligned64<int8_t> data_;
};

// Activations quantized per row, as the kernels read them: u[m·k_padded + k] = x_q[m, k] + 128
// (padding 128, that is x_q = 0), scales[m] = s_x[m].
struct QuantizedRows {
  int64_t M = 0, K = 0, k_padded = 0;
  std::vector<uint8_t> u;
  std::vector<float> scales;
};
// x row-major [M, K]. A row with an infinite or NaN value cannot be scaled: Error naming it.
void quantize_rows(const float* x, int64_t M, int64_t K, QuantizedRows& out);

// y [M, N] = dequantized (x_q · W_qᵀ) + bias (bias: N values or null).
void gemm_int8_ref(const QuantizedRows& x, const Int8Weight& w, const float* bias, float* y);
void gemm_int8(const QuantizedRows& x, const Int8Weight& w, const float* bias, float* y,
               Int8Kernel kernel = best_int8_kernel());

}  // namespace bertlab::kernels
