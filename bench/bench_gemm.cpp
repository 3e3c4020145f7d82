// GEMM on BERT-base's shapes: ours against OpenBLAS's cblas_sgemm, both on 2 threads, run
// one after the other for each shape so they see the same machine load.
//
//   ./build/bench/bertlab_bench --benchmark_filter=gemm
// Each row reports GFLOP/s (2·M·N·K per GEMM); the rows of ours also report vs_openblas,
// our rate divided by the OpenBLAS rate measured just before it (1.0 = as fast).
// of_bound is the fraction of the machine's limit reached (bench/roofline.h: 1 = at the limit).
// gemm/ours_prepacked is x·Wᵀ with W packed once beforehand (kernels::PackedB), as a Linear's
// weight is at inference; OpenBLAS packs its B on every call. gemm/ours_int8 is x·Wᵀ as a
// quantized Linear computes it (kernels::gemm_int8, x rounded to int8 in the timed call), its
// vs_openblas against OpenBLAS's float32 and its of_bound against the int8 peak; gemm/ours_bf16
// likewise in bf16 (kernels::gemm_bf16). gemm/ours_prepacked_<kernel> is ours_prepacked with
// each float32 micro-kernel this CPU runs (kernels::GemmKernel; ours_prepacked is the one gemm
// chooses), to measure that choice.
#include "bench/roofline.h"       // defines: machine_roofline, bench_threads
#include "bench/timing.h"         // defines: seconds_per_iteration
#include "tensor/kernels/gemm.h"  // defines: GemmArgs, gemm, gemm_batched
#include "tensor/kernels/gemm_bf16.h"  // defines: Bf16Weight, to_bf16_rows, gemm_bf16
#include "tensor/kernels/gemm_int8.h"  // defines: Int8Weight, quantize_rows, gemm_int8

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using bertlab::kernels::GemmArgs;
using bertlab::kernels::GemmKernel;
using bertlab::kernels::PackedB;
using bertlab::bench::bench_threads;  // 2 (the machine's cores) or OMP_NUM_THREADS, for both libraries

// A, B and C for `count` GEMMs C = A·op(B); op(B) = Bᵀ when trans_b (nn::Linear's x·Wᵀ).
struct Problem {
  int64_t count;
  GemmArgs g;  // its kernel is gemm's choice unless set
  std::vector<float> a, b, c;

  Problem(int64_t M, int64_t N, int64_t K, int64_t count, bool trans_b) : count(count) {
    g.M = M, g.N = N, g.K = K, g.trans_b = trans_b;
    g.lda = K, g.ldb = trans_b ? K : N, g.ldc = N;
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    a.resize(count * M * K), b.resize(count * K * N), c.resize(count * M * N);
    for (auto* v : {&a, &b})
      for (float& x : *v) x = dist(gen);
  }
  GemmArgs args() {
    GemmArgs out = g;
    out.A = a.data(), out.B = b.data(), out.C = c.data();
    return out;
  }
  double flops() const { return 2.0 * static_cast<double>(count * g.M * g.N * g.K); }
};

void ours(Problem& p, const PackedB* packed_b = nullptr) {
  GemmArgs g = p.args();
  g.packed_b = packed_b;
  gemm_batched(g, p.count, g.M * g.K, g.K * g.N, g.M * g.N);
}

// OpenBLAS has no strided-batch sgemm in 0.3.21: one threaded call per item.
void openblas(Problem& p) {
  const GemmArgs g = p.args();
  for (int64_t b = 0; b < p.count; ++b)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans, g.M, g.N,
                g.K, 1.0f, g.A + b * g.M * g.K, g.lda, g.B + b * g.K * g.N, g.ldb, 0.0f,
                g.C + b * g.M * g.N, g.ldc);
}

// Our C against OpenBLAS's, once before timing. Entries are sums of K products of numbers
// in [-1, 1]; two orders of summation differ by at most ~K·2⁻²³ times Σ|a||b| ≤ K.
// OpenBLAS runs single-threaded here: its threads would otherwise keep spinning, waiting
// for more work, on the cores our timed loop is about to use.
bool same_as_openblas(Problem& p, const PackedB* packed_b) {
  ours(p, packed_b);
  const std::vector<float> got = p.c;
  openblas_set_num_threads(1);
  openblas(p);
  openblas_set_num_threads(bench_threads());
  float worst = 0.0f;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - p.c[i]));
  return worst <= static_cast<float>(p.g.K) * static_cast<float>(p.g.K) * std::ldexp(1.0f, -23);
}

double g_openblas_gflops = 0.0;  // the rate of the OpenBLAS row just before ours

enum class Side { openblas, ours, ours_prepacked, ours_int8, ours_bf16 };

// x·Wᵀ in int8 or bf16 as a quantized Linear runs it (nn/quantized_linear.h): W rounded
// beforehand, x in the timed call. Its C is checked against the float product within the
// rounding: a few hundredths of the values' size here.
struct LowPrecisionProblem {
  std::unique_ptr<bertlab::kernels::Int8Weight> int8;
  std::unique_ptr<bertlab::kernels::Bf16Weight> bf16;
  bertlab::kernels::QuantizedRows x8;
  bertlab::kernels::Bf16Rows x16;
  LowPrecisionProblem(Problem& p, bool is_int8) {
    if (is_int8) int8 = std::make_unique<bertlab::kernels::Int8Weight>(p.b.data(), p.g.N, p.g.K);
    else bf16 = std::make_unique<bertlab::kernels::Bf16Weight>(p.b.data(), p.g.N, p.g.K);
  }
  void run(Problem& p) {
    if (int8) {
      bertlab::kernels::quantize_rows(p.a.data(), p.g.M, p.g.K, x8);
      bertlab::kernels::gemm_int8(x8, *int8, nullptr, p.c.data());
    } else {
      bertlab::kernels::to_bf16_rows(p.a.data(), p.g.M, p.g.K, x16);
      bertlab::kernels::gemm_bf16(x16, *bf16, nullptr, p.c.data());
    }
  }
};
bool close_to_openblas(Problem& p, LowPrecisionProblem& q) {
  q.run(p);
  const std::vector<float> got = p.c;
  openblas_set_num_threads(1);
  openblas(p);
  openblas_set_num_threads(bench_threads());
  double err = 0.0, size = 0.0;
  for (size_t i = 0; i < got.size(); ++i) err += std::fabs(got[i] - p.c[i]), size += std::fabs(p.c[i]);
  return err <= 0.05 * size;
}

void bench(benchmark::State& state, Side side, GemmKernel kernel = bertlab::kernels::best_gemm_kernel()) {
  omp_set_num_threads(bench_threads());
  openblas_set_num_threads(bench_threads());
  Problem p(state.range(0), state.range(1), state.range(2), state.range(3),
            state.range(4) != 0);
  p.g.kernel = kernel;
  const bool is_ours = side != Side::openblas;
  std::unique_ptr<PackedB> packed_b;  // one B for the whole batch: only count-1 shapes use it
  if (side == Side::ours_prepacked) packed_b = std::make_unique<PackedB>(p.args());
  const bool int8 = side == Side::ours_int8;
  std::unique_ptr<LowPrecisionProblem> low;
  if (int8 || side == Side::ours_bf16) {
    low = std::make_unique<LowPrecisionProblem>(p, int8);
    if (!close_to_openblas(p, *low)) state.SkipWithError("our int8/bf16 C is far from OpenBLAS's");
  } else if (is_ours && !same_as_openblas(p, packed_b.get())) {
    state.SkipWithError("our C differs from OpenBLAS's");
  }
  const double seconds = seconds_per_iteration(state, [&] {
    if (low) return low->run(p);
    is_ours ? ours(p, packed_b.get()) : openblas(p);
  });
  const double gflops = p.flops() / seconds * 1e-9;
  state.counters["GFLOP/s"] = gflops;
  // The roofline: the least time for these FLOPs and for reading A and B and writing C once.
  // int8: B is a byte per value, and the bound is the int8 peak's (0 where it was not measured);
  // bf16: 2 bytes, and twice the FMA peak (vdpbf16ps: 2 products per lane where an FMA has 1).
  const auto& roofline = bertlab::bench::machine_roofline();
  const double b_bytes = int8 ? 1.0 : side == Side::ours_bf16 ? 2.0 : 4.0;
  const double bytes = p.count * (4.0 * (p.g.M * p.g.K + p.g.M * p.g.N) + b_bytes * p.g.K * p.g.N);
  const double flops = side == Side::ours_bf16 ? p.flops() / 2 : p.flops();
  const double bound_ms = int8 ? roofline.int8_bound_ms(flops, bytes) : roofline.bound_ms(flops, bytes);
  state.counters["of_bound"] = int8 && roofline.int8_peak_gops == 0.0 ? 0.0 : bound_ms * 1e-3 / seconds;
  if (!is_ours) g_openblas_gflops = gflops;
  // Every row carries the same counters (the CSV reporter needs that); OpenBLAS's is 1.
  state.counters["vs_openblas"] = g_openblas_gflops > 0.0 ? gflops / g_openblas_gflops : 0.0;
}

// {M, N, K, batch, trans_b}: the four linear layers at S = 26 (one sentence) and at 1024
// tokens (a training batch), and attention's scores Q·Kᵀ for B·N = 8·12 heads of S = 128.
const std::vector<std::vector<int64_t>> kShapes = {
    {26, 768, 768, 1, 1},    {26, 3072, 768, 1, 1},   {26, 768, 768, 1, 0},
    {1024, 768, 768, 1, 1},  {1024, 3072, 768, 1, 1}, {1024, 768, 3072, 1, 1},
    {1024, 768, 768, 1, 0},  {1024, 3072, 768, 1, 0}, {1024, 768, 3072, 1, 0},
    {128, 128, 64, 96, 1},
};

void register_row(const std::string& name, const std::vector<int64_t>& shape, std::function<void(benchmark::State&)> run) {
  benchmark::RegisterBenchmark(name.c_str(), std::move(run))
      ->Args(shape)
      ->ArgNames({"M", "N", "K", "batch", "trans_b"})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

// Per shape, OpenBLAS first: every row of ours after it is compared with it.
const bool kRegistered = [] {
  for (const auto& shape : kShapes) {
    const bool linear = shape[3] == 1 && shape[4] == 1;  // x·Wᵀ of one weight
    for (const Side side : {Side::openblas, Side::ours, Side::ours_prepacked, Side::ours_int8, Side::ours_bf16}) {
      if (side > Side::ours && !linear) continue;
      const char* name = side == Side::openblas         ? "gemm/openblas"
                         : side == Side::ours           ? "gemm/ours"
                         : side == Side::ours_prepacked ? "gemm/ours_prepacked"
                         : side == Side::ours_int8      ? "gemm/ours_int8"
                                                        : "gemm/ours_bf16";
      register_row(name, shape, [side](benchmark::State& s) { bench(s, side); });
    }
    for (const GemmKernel kernel : {GemmKernel::avx2, GemmKernel::avx512_256, GemmKernel::avx512})
      if (linear && bertlab::kernels::cpu_has(kernel))
        register_row("gemm/ours_prepacked_" + to_string(kernel), shape,
                     [kernel](benchmark::State& s) { bench(s, Side::ours_prepacked, kernel); });
  }
  return true;
}();

}  // namespace
