// The Google Benchmark main, alone in its file. Run: ./run bench [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
