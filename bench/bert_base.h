// What the bert-base benchmarks share: the config, random token ids, the matmul FLOP count of
// the encoder, and the counters (GFLOP/s, peak RSS, threads) they report.
//
//   const IntTensor ids = random_ids(8, 128);              // [8, 128] ids in 1000..30521
//   ... timed loop ...
//   report(state, 3.0 * encoder_flops(8, 128));            // a training step ≈ 3 forwards
#pragma once

#include <benchmark/benchmark.h>
#include <omp.h>
#include <sys/resource.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "bert/config.h"    // defines: BertConfig
#include "tensor/tensor.h"  // defines: IntTensor

namespace bertlab::bench {

inline const bert::BertConfig kBase;  // the defaults are bert-base-uncased's

// [B, S] ids drawn from the ordinary words of the vocabulary (no special tokens).
inline IntTensor random_ids(int64_t B, int64_t S) {
  std::mt19937 gen(0);
  std::uniform_int_distribution<int64_t> word(1000, kBase.vocab_size - 1);
  std::vector<int64_t> ids(B * S);
  for (int64_t& id : ids) id = word(gen);
  return IntTensor(std::move(ids), {B, S});
}

// Forward matmul FLOPs of the encoder: per token and layer 2·(4H² + 2HI) for the Linears and
// 2·2·S·H for q·kᵀ and probs·v.
inline double encoder_flops(int64_t B, int64_t S) {
  const double H = kBase.hidden_size, I = kBase.intermediate_size;
  return static_cast<double>(B * S * kBase.num_hidden_layers) * (2 * (4 * H * H + 2 * H * I) + 4.0 * S * H);
}

// Counters from the median iteration time (bench/timing.h's median_ms): median_ms, GFLOP/s,
// peak_rss_MB (the whole process's: run one benchmark per process to read it per shape).
inline void report(benchmark::State& state, double flops_per_iteration, double median_ms) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["median_ms"] = median_ms;
  state.counters["GFLOP/s"] = flops_per_iteration * 1e-6 / median_ms;
  state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  state.counters["threads"] = omp_get_max_threads();
}

// 2 threads, as in the measurements, unless OMP_NUM_THREADS says otherwise.
inline void use_two_threads_unless_told() {
  omp_set_num_threads(std::getenv("OMP_NUM_THREADS") ? omp_get_max_threads() : 2);
}

}  // namespace bertlab::bench
