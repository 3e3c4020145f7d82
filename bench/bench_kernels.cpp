// The memory-bound kernels, _ref against _simd, in GB/s beside a plain memcpy of the same
// bytes measured in the same run: a kernel at vs_memcpy = 1 runs as fast as memory allows.
//
//   ./build/bench/bertlab_bench --benchmark_filter=kernels
// Shapes: layer_norm and gelu over 1024 tokens (rows of H = 768, or of I = 3072 for gelu),
// softmax over attention rows of S = 128 (8·12·128 rows). One thread: ops split rows later.
#include "bench/timing.h"                // defines: seconds_per_iteration
#include "tensor/kernels/gelu.h"         // defines: gelu*_ref, gelu*_simd
#include "tensor/kernels/layer_norm.h"   // defines: layer_norm_row*_ref, *_simd
#include "tensor/kernels/softmax.h"      // defines: softmax_row*_ref, *_simd

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace bertlab::kernels;

// Inputs x, dy, w, b and outputs y, dx for `rows` rows of n floats.
struct Buffers {
  int64_t rows, n;
  std::vector<float> x, dy, w, b, y, dx, mean, rstd;

  Buffers(int64_t rows, int64_t n) : rows(rows), n(n), y(rows * n), dx(rows * n) {
    std::mt19937 gen(3);
    std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
    for (auto* v : {&x, &dy}) {
      v->resize(rows * n);
      for (float& e : *v) e = dist(gen);
    }
    w.assign(n, 1.0f), b.assign(n, 0.0f), mean.resize(rows), rstd.resize(rows);
    for (int64_t r = 0; r < rows; ++r)  // statistics for layer_norm's backward
      layer_norm_row_ref(&x[r * n], w.data(), b.data(), 1e-12f, &y[r * n], &mean[r], &rstd[r], n);
  }
};

// One benchmarked kernel: it runs over all rows; `floats_moved` counts the floats it reads
// and writes per element (x read + y written = 2; a backward also reads dy and dx = 4).
struct Kernel {
  std::string name;
  void (*run)(Buffers&);
  int floats_moved;
};

template <void (*F)(const float*, float*, int64_t)>  // y = f(x), elementwise
void elementwise(Buffers& s) { F(s.x.data(), s.y.data(), s.rows * s.n); }

template <void (*F)(const float*, const float*, float*, int64_t)>  // dx += f'(x)·dy
void elementwise_backward(Buffers& s) { F(s.x.data(), s.dy.data(), s.dx.data(), s.rows * s.n); }

template <void (*F)(const float*, const float*, float*, int64_t)>
void softmax_rows(Buffers& s) {
  for (int64_t r = 0; r < s.rows; ++r) F(&s.x[r * s.n], nullptr, &s.y[r * s.n], s.n);
}

template <void (*F)(const float*, const float*, float*, int64_t)>
void softmax_backward_rows(Buffers& s) {
  for (int64_t r = 0; r < s.rows; ++r) F(&s.y[r * s.n], &s.dy[r * s.n], &s.dx[r * s.n], s.n);
}

template <void (*F)(const float*, const float*, const float*, float, float*, float*, float*,
                    int64_t)>
void layer_norm_rows(Buffers& s) {
  for (int64_t r = 0; r < s.rows; ++r)
    F(&s.x[r * s.n], s.w.data(), s.b.data(), 1e-12f, &s.y[r * s.n], &s.mean[r], &s.rstd[r], s.n);
}

template <void (*F)(const float*, const float*, float, float, const float*, float*, float*,
                    float*, int64_t)>
void layer_norm_backward_rows(Buffers& s) {
  for (int64_t r = 0; r < s.rows; ++r)
    F(&s.x[r * s.n], s.w.data(), s.mean[r], s.rstd[r], &s.dy[r * s.n], &s.dx[r * s.n],
      nullptr, nullptr, s.n);
}

void copy(Buffers& s) { std::memcpy(s.y.data(), s.x.data(), s.y.size() * sizeof(float)); }

double g_memcpy_gbs = 0.0;  // the memcpy row just before, same bytes

void bench(benchmark::State& state, const Kernel& kernel) {
  Buffers s(state.range(0), state.range(1));
  const double bytes = static_cast<double>(kernel.floats_moved * s.rows * s.n * sizeof(float));
  const double gbs = bytes / seconds_per_iteration(state, [&] { kernel.run(s); }) * 1e-9;
  if (kernel.name == "memcpy") g_memcpy_gbs = gbs;
  state.counters["GB/s"] = gbs;
  state.counters["vs_memcpy"] = g_memcpy_gbs > 0.0 ? gbs / g_memcpy_gbs : 0.0;
}

// Each _simd row follows its _ref row; memcpy leads each shape. (Correctness is
// tests/tensor/test_kernels.cpp's job: every _simd there is checked against its _ref.)
const bool kRegistered = [] {
  const Kernel memcpy_kernel{"memcpy", copy, 2};
  const std::vector<std::pair<std::vector<int64_t>, std::vector<Kernel>>> groups = {
      {{1024, 768},
       {{"layer_norm_row_ref", layer_norm_rows<layer_norm_row_ref>, 2},
        {"layer_norm_row_simd", layer_norm_rows<layer_norm_row_simd>, 2},
        {"layer_norm_row_backward_ref",
         layer_norm_backward_rows<layer_norm_row_backward_ref>, 4},
        {"layer_norm_row_backward_simd",
         layer_norm_backward_rows<layer_norm_row_backward_simd>, 4}}},
      {{8 * 12 * 128, 128},
       {{"softmax_row_ref", softmax_rows<softmax_row_ref>, 2},
        {"softmax_row_simd", softmax_rows<softmax_row_simd>, 2},
        {"softmax_row_backward_ref", softmax_backward_rows<softmax_row_backward_ref>, 4},
        {"softmax_row_backward_simd", softmax_backward_rows<softmax_row_backward_simd>, 4}}},
      {{1024, 3072},
       {{"gelu_ref", elementwise<gelu_ref>, 2},
        {"gelu_simd", elementwise<gelu_simd>, 2},
        {"gelu_backward_ref", elementwise_backward<gelu_backward_ref>, 4},
        {"gelu_backward_simd", elementwise_backward<gelu_backward_simd>, 4},
        {"gelu_tanh_ref", elementwise<gelu_tanh_ref>, 2},
        {"gelu_tanh_simd", elementwise<gelu_tanh_simd>, 2}}},
  };
  for (const auto& [shape, kernels] : groups) {
    std::vector<Kernel> rows = {memcpy_kernel};
    rows.insert(rows.end(), kernels.begin(), kernels.end());
    for (const Kernel& k : rows)
      benchmark::RegisterBenchmark(("kernels/" + k.name).c_str(),
                                   [k](benchmark::State& s) { bench(s, k); })
          ->Args(shape)
          ->ArgNames({"rows", "n"})
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
  }
  return true;
}();

}  // namespace
