// Row loops shared out among the cores, for the ops that treat rows independently (softmax,
// layer_norm, gelu, permute) and for elementwise ones (AdamW, matmul's scale). Each row is
// computed the same way whichever thread runs it, so results are bitwise the same for any
// thread count. Small tensors stay on one thread: waking the others would cost more than the work.
//   parallel_rows(rows, n, [&](int64_t r) { softmax_row(x + r * n, out + r * n, n); });
#pragma once

#include <algorithm>
#include <cstdint>

namespace bertlab::detail {

// Below this many elements in all, a row loop runs on the calling thread.
constexpr int64_t kParallelMinElements = int64_t{1} << 16;

template <typename F>
void parallel_rows(int64_t rows, int64_t row_size, F f) {
#pragma omp parallel for schedule(static) if (rows * row_size >= kParallelMinElements)
  for (int64_t r = 0; r < rows; ++r) f(r);
}

// An elementwise loop over n values, as rows of up to 4096: f(begin, count) for each.
template <typename F>
void parallel_chunks(int64_t n, F f) {
  constexpr int64_t kChunk = 4096;
  parallel_rows((n + kChunk - 1) / kChunk, kChunk, [&](int64_t r) { f(r * kChunk, std::min(kChunk, n - r * kChunk)); });
}

}  // namespace bertlab::detail
