// all-MiniLM-L6-v2 sentence embeddings per second: a batch of 32 sentences × 128 tokens through
// BertModel, mean pooling and normalize, on 2 threads (or OMP_NUM_THREADS). The same work in
// PyTorch is bench/minilm_torch.py; bench/compare_minilm.sh runs both and prints ours / torch.
//
//   ./build/bench/bertlab_bench --benchmark_filter=minilm
// median_ms is the time of one batch (wall clock), MFLOP and MB its matmul FLOPs and weight bytes
// for the roofline (bench/bert_base.h). Without the fetched model (scripts/fetch-minilm) the
// benchmark reports itself skipped.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <filesystem>
#include <random>

#include "bench/bert_base.h"             // defines: encoder_flops, encoder_weight_bytes, bench_threads
#include "bench/timing.h"                // defines: median_ms
#include "bert/checkpoint.h"            // defines: from_pretrained
#include "pipelines/sentence_embedding.h"    // defines: mean_pooling, normalize
#include "pipelines/sentence_transformer.h"  // defines: default_minilm_dir
#include "tensor/autograd.h"            // defines: NoGradGuard

namespace {

using namespace bertlab;

constexpr int64_t kBatch = 32, kTokens = 128;

// [CLS] + 126 ids drawn from the vocabulary's word pieces + [SEP], no padding: [B, S].
IntTensor random_sentences(int64_t vocab_size) {
  std::mt19937 gen(0);
  std::uniform_int_distribution<int64_t> word(1000, vocab_size - 1);  // ids below 1000 are special/unused
  std::vector<int64_t> ids(kBatch * kTokens);
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t s = 0; s < kTokens; ++s)
      ids[b * kTokens + s] = s == 0 ? 101 : s == kTokens - 1 ? 102 : word(gen);  // [CLS] ... [SEP]
  return IntTensor(std::move(ids), {kBatch, kTokens});
}

void BM_minilm_embed(benchmark::State& state) {
  const std::filesystem::path dir = pipelines::default_minilm_dir();
  if (!std::filesystem::exists(dir / "model.safetensors")) {
    state.SkipWithError(("all-MiniLM-L6-v2 not fetched (no " + dir.string() + "): run scripts/fetch-minilm").c_str());
    return;
  }
  omp_set_num_threads(bench::bench_threads());
  const auto model = bert::from_pretrained<bert::BertModel>(dir);
  const IntTensor input_ids = random_sentences(model->config.vocab_size);
  const IntTensor attention_mask(std::vector<int64_t>(kBatch * kTokens, 1), {kBatch, kTokens});
  NoGradGuard no_grad;
  state.counters["median_ms"] = median_ms(state, [&] {
    const Tensor hidden = model->forward(input_ids, attention_mask).last_hidden_state;  // [B, S, H]
    const Tensor embeddings = pipelines::normalize(pipelines::mean_pooling(hidden, attention_mask));  // [B, H]
    benchmark::DoNotOptimize(embeddings.data());
  });
  state.counters["MFLOP"] = bench::encoder_flops(kBatch, kTokens, model->config) * 1e-6;
  state.counters["MB"] = bench::encoder_weight_bytes(model->config) * 1e-6;
  state.counters["threads"] = omp_get_max_threads();
}

BENCHMARK(BM_minilm_embed)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace
