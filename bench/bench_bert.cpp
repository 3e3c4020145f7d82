// bert-base-sized BertModel forward (fp32; int8 and bf16 Linears by quantize_dynamic) and a BertForMaskedLM
// training step, random weights, 2 threads (or OMP_NUM_THREADS): the lab sentence (1×26) up to
// 1×512. bench/bert_torch.py measures the same
// shapes with HuggingFace transformers on PyTorch; bench/compare_bert.sh prints ours / torch.
//
//   ./build/bench/bertlab_bench --benchmark_filter=bert_
// Counters: GFLOP/s (matmul FLOPs only, the ~99% that matter), MFLOP and MB for the roofline
// (bench/bert_base.h) and peak_rss_MB of the process.
#include <benchmark/benchmark.h>

#include <optional>

#include "bench/bert_base.h"     // defines: kBase, random_ids, encoder_flops, report
#include "bench/timing.h"        // defines: median_ms
#include "bert/for_masked_lm.h"  // defines: BertForMaskedLM, BertModel
#include "nn/quantized_linear.h"  // defines: quantize_dynamic
#include "tensor/autograd.h"     // defines: NoGradGuard

namespace {

using namespace bertlab;
using namespace bertlab::bench;

// int8, bf16: the model through nn::quantize_dynamic first (docs/quantization.md); its weights
// are a quarter, or half, of the bytes.
void bert_forward(benchmark::State& state, std::optional<nn::QuantizedDtype> dtype) {
  use_two_threads_unless_told();
  const int64_t B = state.range(0), S = state.range(1);
  bert::BertModel model(kBase);
  model.eval();
  if (dtype) nn::quantize_dynamic(model, *dtype);
  const IntTensor ids = random_ids(B, S);
  NoGradGuard no_grad;
  const double ms = median_ms(state, [&] { benchmark::DoNotOptimize(model.forward(ids).last_hidden_state.data()); });
  const double shrink = !dtype ? 1.0 : *dtype == nn::QuantizedDtype::qint8 ? 4.0 : 2.0;
  report(state, encoder_flops(B, S), ms, encoder_weight_bytes() / shrink);
}
void BM_bert_forward(benchmark::State& state) { bert_forward(state, std::nullopt); }
void BM_bert_forward_int8(benchmark::State& state) { bert_forward(state, nn::QuantizedDtype::qint8); }
void BM_bert_forward_bf16(benchmark::State& state) { bert_forward(state, nn::QuantizedDtype::bfloat16); }

// forward + backward of the MLM loss (15% of positions labelled), as one training step without
// the optimizer. Backward costs about twice the forward; the decoder adds 2·H·V per token.
void BM_bert_mlm_train_step(benchmark::State& state) {
  use_two_threads_unless_told();
  const int64_t B = state.range(0), S = state.range(1);
  bert::BertForMaskedLM model(kBase);
  model.train();
  const IntTensor ids = random_ids(B, S);
  IntTensor labels(std::vector<int64_t>(B * S, -100), {B, S});
  for (int64_t i = 0; i < B * S; i += 7) labels.data[i] = ids.data[i];
  const double ms = median_ms(state, [&] {
    model.zero_grad();
    model.forward(ids, {}, {}, labels).loss.backward();
  });
  const double decoder = 2.0 * B * S * kBase.hidden_size * kBase.vocab_size;
  const double decoder_bytes = 4.0 * kBase.hidden_size * kBase.vocab_size;
  // Each weight is read by forward and by dX's GEMM, and its gradient written: 3 passes.
  report(state, 3.0 * (encoder_flops(B, S) + decoder), ms, 3.0 * (encoder_weight_bytes() + decoder_bytes));
}

BENCHMARK(BM_bert_forward)->ArgNames({"B", "S"})->Args({1, 26})->Args({1, 128})->Args({8, 128})->Args({1, 512})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_bert_forward_int8)->ArgNames({"B", "S"})->Args({1, 26})->Args({1, 128})->Args({8, 128})->Args({1, 512})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_bert_forward_bf16)->ArgNames({"B", "S"})->Args({1, 26})->Args({1, 128})->Args({8, 128})->Args({1, 512})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_bert_mlm_train_step)->ArgNames({"B", "S"})->Args({8, 128})->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Iterations(3);

}  // namespace
