// Wall-clock timing shared by the benchmarks that report a ratio to a baseline.
//
// Google Benchmark keeps its own timer, but a benchmark cannot read it back; to report
// "ours / OpenBLAS" or "kernel / memcpy" in the same run we time the loop ourselves too.
// Example: double s = seconds_per_iteration(state, [&] { kernel(x, y, n); });
//          state.counters["median_ms"] = median_ms(state, [&] { model.forward(ids); });
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

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

// The median time of one iteration in ms, after one untimed warm-up run: the way
// bench/bert_torch.py times PyTorch. The first run of a model is not typical (it page-faults
// in its gradients and caches, on both sides), and on a shared VM a few runs are slowed by
// neighbours: the median ignores both.
template <class F>
double median_ms(benchmark::State& state, F run) {
  run();  // before the loop: Google Benchmark's timer has not started yet
  std::vector<double> ms;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    run();
    benchmark::ClobberMemory();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}
