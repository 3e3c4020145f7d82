// The roofline: how fast this machine could possibly run a computation, so that a benchmark can
// say how far from that limit it is (on the machine it ran on, measured at the start of the run).
//
// A computation of F floating-point operations that must move at least Y bytes to or from
// memory takes at least  bound = max(F / peak, Y / bandwidth):  peak is what the cores' FMA units
// deliver when they do nothing else, bandwidth what memory delivers when nothing else is asked.
// measured / bound ≥ 1; its inverse, the fraction of the bound, is 1 at the limit.
//
//   const Roofline& r = machine_roofline();       // measured once, ~1 s
//   double ms = r.bound_ms(2.0 * M * N * K, 4.0 * (M * K + N * K + M * N));
//   ./build/bench/bertlab_bench --benchmark_filter=^roofline$   // the two numbers, as counters
// (The compare scripts run that in a process of its own: its 512 MB buffer would otherwise count
// in the peak RSS of the benchmarks that report it.)
//
// peak: every thread (bench_threads) runs independent fused multiply-adds on xsimd Batches, the
// same instruction set the kernels were compiled for (tensor/kernels/simd.h), enough of them at
// once to hide the FMA's latency. bandwidth: every thread sums its part of a 512 MB buffer, far
// larger than any cache. Both take the best of a few tries: the limit, not the typical value.
// int8_peak: the same for the int8 dot product the quantized kernels use (AVX512-VNNI's
// vpdpbusd: 64 byte products added into 16 int32 sums per instruction, 2 operations each);
// 0 on a CPU without it, where no int8 row gets a fraction.
#pragma once

namespace bertlab::bench {

struct Roofline {
  double peak_gflops = 0.0;     // FMA peak of the threads in use, GFLOP/s (an FMA counts 2)
  double bandwidth_gbs = 0.0;   // memory read bandwidth, GB/s
  double int8_peak_gops = 0.0;  // int8 multiply-add peak, GOP/s (a multiply-add counts 2)
  double bound_ms(double flops, double bytes) const;
  double int8_bound_ms(double ops, double bytes) const;  // the same with the int8 peak
};

const Roofline& machine_roofline();

// The threads the benchmarks use: 2 (the machine's cores), or OMP_NUM_THREADS when it is set.
int bench_threads();

}  // namespace bertlab::bench
