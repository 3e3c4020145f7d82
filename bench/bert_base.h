// What the bert-base benchmarks share: the config, random token ids, the matmul FLOP count of
// the encoder and the bytes of its weights, and the counters (GFLOP/s, the roofline's bound,
// peak RSS, threads) they report.
//
//   const IntTensor ids = random_ids(8, 128);              // [8, 128] ids in 1000..30521
//   ... timed loop ...
//   report(state, 3.0 * encoder_flops(8, 128), ms, 3.0 * encoder_weight_bytes());  // a training step
#pragma once

#include <benchmark/benchmark.h>
#include <omp.h>
#include <sys/resource.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "bench/roofline.h"  // defines: bench_threads
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
inline double encoder_flops(int64_t B, int64_t S, const bert::BertConfig& c = kBase) {
  const double H = c.hidden_size, I = c.intermediate_size;
  return static_cast<double>(B * S * c.num_hidden_layers) * (2 * (4 * H * H + 2 * H * I) + 4.0 * S * H);
}

// Bytes of the encoder's Linear weights in fp32: what a forward must at least read from memory
// (340 MB, far more than any cache), the memory side of its roofline.
inline double encoder_weight_bytes(const bert::BertConfig& c = kBase) {
  const double H = c.hidden_size, I = c.intermediate_size;
  return 4.0 * c.num_hidden_layers * (4 * H * H + 2 * H * I);
}

// Counters from the median iteration time (bench/timing.h's median_ms): median_ms, GFLOP/s,
// MFLOP and MB per iteration (for the roofline's bound, which the compare scripts take from the
// `roofline` benchmark run in a process of its own: bench/roofline.h), peak_rss_MB (the whole
// process's: run one benchmark per process to read it per shape).
inline void report(benchmark::State& state, double flops_per_iteration, double median_ms, double bytes_per_iteration) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["median_ms"] = median_ms;
  state.counters["GFLOP/s"] = flops_per_iteration * 1e-6 / median_ms;
  state.counters["MFLOP"] = flops_per_iteration * 1e-6;
  state.counters["MB"] = bytes_per_iteration * 1e-6;
  state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  state.counters["threads"] = omp_get_max_threads();
}

// 2 threads, as in the measurements, unless OMP_NUM_THREADS says otherwise.
inline void use_two_threads_unless_told() { omp_set_num_threads(bench_threads()); }

}  // namespace bertlab::bench
