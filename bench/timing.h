// Wall-clock timing shared by the benchmarks that report a ratio to a baseline.
//
// Google Benchmark keeps its own timer, but a benchmark cannot read it back; to report
// "ours / OpenBLAS" or "kernel / memcpy" in the same run we time the loop ourselves too.
// Example: double s = seconds_per_iteration(state, [&] { kernel(x, y, n); });
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>

template <class F>
double seconds_per_iteration(benchmark::State& state, F run) {
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();  // the results count as used: the loop cannot be removed
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / static_cast<double>(state.iterations());
}
