// bf16 GEMM: y = x · Wᵀ + b with x and W rounded to bfloat16 and the products summed in float32
// (docs/quantization.md). bfloat16 is a float32 with its low 16 bits dropped: the same 8-bit
// exponent, so the same range, and 8 bits of mantissa instead of 24 — about 2-3 correct decimal
// digits per value (tensor/half.h › f32_to_bf16). The product of two bf16 values is exact in
// float32, so the only roundings are the inputs' and the float32 sum's.
//   x = [1.00390625], W = [[3]]: bf16(x) = 1 (a tie, rounded to even), y = 3 (float32: 3.01171875).
//
// gemm_bf16_ref is the loop to read (sums in k order); gemm_bf16 runs on packed weights with the
// fastest kernel this CPU has: `portable` sums in the same order as the reference and gives its
// bits; `avx512_bf16` (vdpbf16ps: two products per float32 lane per step) adds each pair of
// products in the order the instruction does, so its sums may round differently in the last bit.
// Either gives the same bits for any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/kernels/panel_loop.h"  // defines: Aligned64

namespace bertlab::kernels {

enum class Bf16Kernel {
  portable,     // plain C++, on any CPU
  avx512_bf16,  // vdpbf16ps: 32 bf16 products into 16 float32 sums per instruction
};
Bf16Kernel best_bf16_kernel();
bool cpu_has(Bf16Kernel kernel);
std::string to_string(Bf16Kernel kernel);

// A weight [N, K] rounded to bf16 and packed: panels of kPanel rows, in each the rows' 2 values
// of each pair of k's side by side (2 AVX-512 registers of 32 bf16):
//   panel(p)[(k / 2) · kPanel · 2 + j · 2 + k % 2] = bf16(W[p·kPanel + j, k]);  zeros pad K and N.
class Bf16Weight {
 public:
  Bf16Weight(const float* w, int64_t N, int64_t K);  // w row-major [N, K]
  int64_t N() const { return N_; }
  int64_t K() const { return K_; }
  uint16_t at(int64_t n, int64_t k) const;  // bf16(W[n, k]), read from the packing
  int64_t bytes() const { return static_cast<int64_t>(data_.size() * sizeof(uint16_t)); }

  static constexpr int64_t kPanel = 32;
  int64_t k_padded() const { return (K_ + 1) / 2 * 2; }
  const uint16_t* panel(int64_t p) const { return data_.data() + p * kPanel * k_padded(); }

 private:
  int64_t N_, K_;
  Aligned64<uint16_t> data_;
};

// x [M, K] rounded to bf16, rows of k_padded values (the padding 0).
struct Bf16Rows {
  int64_t M = 0, K = 0, k_padded = 0;
  std::vector<uint16_t> v;
};
void to_bf16_rows(const float* x, int64_t M, int64_t K, Bf16Rows& out);

// y [M, N] = bf16(x) · bf16(W)ᵀ + bias, summed in float32 (bias: N values or null).
void gemm_bf16_ref(const Bf16Rows& x, const Bf16Weight& w, const float* bias, float* y);
void gemm_bf16(const Bf16Rows& x, const Bf16Weight& w, const float* bias, float* y,
               Bf16Kernel kernel = best_bf16_kernel());

}  // namespace bertlab::kernels
