// One fine-tuning step of a bert-base-sized model — forward with labels, backward, AdamW — for
// sequence classification at 8×128 and question answering at 8×384, full and with LoRA (r=8,
// alpha 16, query+value, the head trained fully as PEFT's task models do), and QA 8×384 with
// gradient checkpointing (gc:1, each layer recomputed in backward). Random weights,
// fp32, dropout on, 2 threads. bench/finetune_torch.py does the same steps in transformers +
// PEFT on PyTorch; bench/compare_finetune.sh runs both, one process per step, and prints the
// ratios and each process's peak RSS.
//
//   ./build/bench/bertlab_bench --benchmark_filter='finetune_step/task:1/B:8/S:384/lora:1/gc:0'
// LoRA freezes the base weights, so backward skips their weight gradients (dW = gᵀ·x, a third
// of a Linear's FLOPs) and AdamW touches 0.3% of the parameters: the step must be cheaper.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "bench/bert_base.h"                      // defines: kBase, random_ids, encoder_flops, report
#include "bench/timing.h"                         // defines: median_ms
#include "bert/for_question_answering.h"          // defines: BertForQuestionAnswering
#include "bert/for_sequence_classification.h"     // defines: BertForSequenceClassification
#include "bert/encoder.h"                         // defines: gradient_checkpointing_enable
#include "peft/lora.h"                            // defines: apply_lora, LoraConfig
#include "nn/optim.h"                             // defines: AdamW, decay_groups

namespace {

using namespace bertlab;
using namespace bertlab::bench;

enum Task : int64_t { kSeqCls = 0, kQa = 1 };

// [B] labels in [0, n): class ids, or answer start/end positions.
IntTensor random_labels(int64_t B, int64_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> pick(0, n - 1);
  std::vector<int64_t> labels(B);
  for (int64_t& label : labels) label = pick(gen);
  return IntTensor(std::move(labels), {B});
}

// The median time of one optimizer step, in ms.
template <class Model, class Loss>
double run_steps(benchmark::State& state, Model& model, bool lora, bool checkpointing, const std::string& task_type,
                 Loss loss) {
  if (lora) {
    peft::LoraConfig config;
    config.r = 8;
    config.lora_alpha = 16;
    config.target_modules = {"query", "value"};
    config.task_type = task_type;
    peft::apply_lora(model, config);
  }
  if (checkpointing) bert::gradient_checkpointing_enable(model);
  model.train();
  nn::AdamW optimizer(nn::decay_groups(model.named_parameters(), 0.01), 2e-5);
  return median_ms(state, [&] {
    loss(model).backward();
    optimizer.step();
    optimizer.zero_grad();
  });
}

void BM_finetune_step(benchmark::State& state) {
  use_two_threads_unless_told();
  const int64_t task = state.range(0), B = state.range(1), S = state.range(2);
  const bool lora = state.range(3) != 0, checkpointing = state.range(4) != 0;
  const IntTensor ids = random_ids(B, S);
  double ms = 0.0;
  if (task == kSeqCls) {
    const IntTensor labels = random_labels(B, 2, 1);
    bert::BertForSequenceClassification model(kBase);  // 2 labels, HF's default
    ms = run_steps(state, model, lora, checkpointing, "SEQ_CLS",
                   [&](const auto& m) { return m.forward(ids, {}, {}, labels).loss; });
  } else {
    const IntTensor start = random_labels(B, S, 2), end = random_labels(B, S, 3);
    bert::BertForQuestionAnswering model(kBase);
    ms = run_steps(state, model, lora, checkpointing, "QUESTION_ANS",
                   [&](const auto& m) { return m.forward(ids, {}, {}, start, end).loss; });
  }
  // Full: 3 forwards' worth (forward, dX, dW). LoRA: dW of the frozen Linears is skipped.
  // (Checkpointing's second forward is not counted: the same work done in more time.)
  const double H = kBase.hidden_size, I = kBase.intermediate_size;
  const double linear = static_cast<double>(B * S * kBase.num_hidden_layers) * 2 * (4 * H * H + 2 * H * I);
  // Bytes: the weights read by forward and dX; in full, dW written and AdamW's pass over
  // weight, gradient and both moments (4 read, 3 written): 10 passes over the weights.
  report(state, 3.0 * encoder_flops(B, S) - (lora ? linear : 0.0), ms, (lora ? 2.0 : 10.0) * encoder_weight_bytes());
}

BENCHMARK(BM_finetune_step)->ArgNames({"task", "B", "S", "lora", "gc"})
    ->Args({kSeqCls, 8, 128, 0, 0})->Args({kSeqCls, 8, 128, 1, 0})
    ->Args({kQa, 8, 384, 0, 0})->Args({kQa, 8, 384, 1, 0})->Args({kQa, 8, 384, 0, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
