#include "bench/roofline.h"  // defines: Roofline, machine_roofline, bench_threads

#include <benchmark/benchmark.h>
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "tensor/kernels/gemm.h"       // defines: best_gemm_kernel
#include "tensor/kernels/gemm_int8.h"  // defines: cpu_has
#include "tensor/kernels/simd.h"       // defines: Batch, AlignedFloats

namespace bertlab::bench {

using kernels::Batch;

int bench_threads() { return std::getenv("OMP_NUM_THREADS") ? omp_get_max_threads() : 2; }

double Roofline::bound_ms(double flops, double bytes) const {
  return 1e3 * std::max(flops / (peak_gflops * 1e9), bytes / (bandwidth_gbs * 1e9));
}
double Roofline::int8_bound_ms(double ops, double bytes) const {
  return 1e3 * std::max(ops / (int8_peak_gops * 1e9), bytes / (bandwidth_gbs * 1e9));
}

namespace {

template <class F>
double best_seconds(int tries, F run) {
  double best = 1e30;
  for (int t = 0; t < tries; ++t) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// kChains independent accumulators: an FMA's result is ready ~4 cycles after it starts and a core
// starts 1 or 2 per cycle, so at least 8 must be in flight; 12 leave no doubt.
constexpr int kChains = 12;
constexpr long kSteps = 20'000'000;

double fma_peak_gflops(int threads) {
  float sink = 0.0f;
  const double seconds = best_seconds(3, [&] {
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
      Batch acc[kChains];
      for (int c = 0; c < kChains; ++c) acc[c] = Batch(0.001f * static_cast<float>(c));
      const Batch x(0.9999999f), y(1e-7f);
      for (long s = 0; s < kSteps; ++s) {
#pragma GCC unroll 12
        for (int c = 0; c < kChains; ++c) acc[c] = kernels::fmadd(acc[c], x, y);
      }
      Batch total = acc[0];
      for (int c = 1; c < kChains; ++c) total += acc[c];
      sink += kernels::hsum(total);
    }
  });
  volatile float keep = sink;  // the loops' results are used: they cannot be removed
  (void)keep;
  return 2.0 * Batch::size * kChains * static_cast<double>(kSteps) * threads / seconds * 1e-9;
}

// kChains vpdpbusd chains, as the FMA loop above, on the calling thread; returns their sum.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int vnni_chains() {
  __m512i acc[kChains];
#pragma GCC unroll 12
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_epi32(c);
  const __m512i u = _mm512_set1_epi8(1), w = _mm512_set1_epi8(-1);
  for (long s = 0; s < kSteps; ++s) {
#pragma GCC unroll 12
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbusd_epi32(acc[c], u, w);
  }
#pragma GCC unroll 12
  for (int c = 1; c < kChains; ++c) acc[0] = _mm512_add_epi32(acc[0], acc[c]);
  alignas(64) int lanes[16];
  _mm512_store_si512(lanes, acc[0]);
  return std::accumulate(lanes, lanes + 16, 0);
}

double vnni_peak_gops(int threads) {
  int sink = 0;
  const double seconds = best_seconds(3, [&] {
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    sink += vnni_chains();
  });
  volatile int keep = sink;
  (void)keep;
  return 2.0 * 64 * kChains * static_cast<double>(kSteps) * threads / seconds * 1e-9;
}

double int8_peak_gops(int threads) {
  return kernels::cpu_has(kernels::Int8Kernel::avx512_vnni) ? vnni_peak_gops(threads) : 0.0;
}

double read_bandwidth_gbs(int threads) {
  constexpr int64_t kFloats = int64_t{128} << 20;  // 512 MB
  kernels::AlignedFloats buffer(kFloats, 1.0f);     // written once: its pages are real
  float sink = 0.0f;
  const double seconds = best_seconds(3, [&] {
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : sink)
    for (int64_t block = 0; block < kFloats; block += 4 * Batch::size) {
      const float* p = buffer.data() + block;
      const Batch s = (Batch::load_aligned(p) + Batch::load_aligned(p + Batch::size)) +
                      (Batch::load_aligned(p + 2 * Batch::size) + Batch::load_aligned(p + 3 * Batch::size));
      sink += kernels::hsum(s);
    }
  });
  volatile float keep = sink;
  (void)keep;
  return static_cast<double>(kFloats) * sizeof(float) / seconds * 1e-9;
}

}  // namespace

const Roofline& machine_roofline() {
  static const Roofline measured{fma_peak_gflops(bench_threads()), read_bandwidth_gbs(bench_threads()),
                                 int8_peak_gops(bench_threads())};
  return measured;
}

namespace {
void roofline(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(machine_roofline());
  state.counters["peak_GFLOP/s"] = machine_roofline().peak_gflops;
  state.counters["GB/s"] = machine_roofline().bandwidth_gbs;
  state.counters["int8_peak_GOP/s"] = machine_roofline().int8_peak_gops;
  state.counters["threads"] = bench_threads();
  // Which float32 GEMM kernel this CPU gets (docs/simd.md "Which micro-kernel"), for the record.
  state.SetLabel("gemm kernel " + kernels::to_string(kernels::best_gemm_kernel()));
}
BENCHMARK(roofline)->Iterations(1)->Unit(benchmark::kMillisecond);
}  // namespace

}  // namespace bertlab::bench
