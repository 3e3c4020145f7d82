// The Trainer's memory ledger on a small BertForMaskedLM: the parts it computes from sizes
// (weights, gradients, AdamW's state), the attention probabilities it measures against their
// shapes, and what gradient checkpointing and LoRA take away.
#include <catch2/catch.hpp>

#include "bert/for_masked_lm.h"
#include "finetune/trainer.h"  // defines: Trainer, MemoryLedger
#include "peft/lora.h"         // defines: apply_lora
#include "tensor/random.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using namespace bertlab::bert;

namespace {

constexpr int64_t kBatch = 4, kSeq = 16;

finetune::MemoryLedger ledger_of_one_step(bool gradient_checkpointing, bool lora) {
  BertConfig config = testing::tiny_config();  // 2 layers of 2 heads, dropout 0.1
  config.hidden_size = 32;
  config.intermediate_size = 64;
  BertForMaskedLM model(config);
  Generator init(1);
  init_bert_weights(model, config.initializer_range, init);
  if (lora) {
    peft::LoraConfig c;
    c.r = 4;
    c.target_modules = {"query", "value"};
    peft::apply_lora(model, c);
  }
  finetune::TrainingArguments args;  // no output_dir: nothing written
  args.max_steps = 1;
  args.per_device_train_batch_size = kBatch;
  args.disable_tqdm = true;
  args.gradient_checkpointing = gradient_checkpointing;
  finetune::Trainer trainer(model, args, 8, [&](const std::vector<int64_t>& rows) {
    std::vector<int64_t> ids, labels;
    for (int64_t r : rows)
      for (int64_t s = 0; s < kSeq; ++s) {
        ids.push_back(5 + (r * 7 + s) % 40);
        labels.push_back(s % 3 == 0 ? ids.back() : -100);
      }
    const auto B = static_cast<int64_t>(rows.size());
    return finetune::StepOutput{model.forward(IntTensor(ids, {B, kSeq}), {}, {}, IntTensor(labels, {B, kSeq})).loss,
                                B * kSeq};
  });
  trainer.train();
  return trainer.memory_ledger();
}

}  // namespace

TEST_CASE("memory ledger: weights, gradients and AdamW state by size, attention probabilities by shape",
          "[finetune][trainer][memory]") {
  const finetune::MemoryLedger full = ledger_of_one_step(false, false);
  const int64_t params = 50 * 32 + 16 * 32 + 2 * 32 + 2 * 32                   // embeddings + LayerNorm
                         + 2 * (4 * (32 * 32 + 32) + 2 * 2 * 32 + 32 * 64 + 64 + 64 * 32 + 32)  // 2 layers
                         + 32 * 32 + 32 + 2 * 32 + 50;                            // MLM head (decoder tied)
  CHECK(full.step == 1);
  CHECK(full.weights == params * 4);
  CHECK(full.gradients == params * 4);
  CHECK(full.optimizer_state == 2 * params * 4);
  // Each layer keeps its probabilities and their dropped-out copy: 2 × L × [B, N, S, S] floats.
  CHECK(full.attention_probs == 2 * 2 * kBatch * 2 * kSeq * kSeq * 4);
  CHECK(full.activations > full.attention_probs);
  CHECK(full.peak_tensors >= full.weights + full.optimizer_state + full.activations);
  CHECK(full.peak_resident > full.peak_tensors);

  // Gradient checkpointing: forward keeps each layer's input only, no attention probabilities.
  const finetune::MemoryLedger checkpointed = ledger_of_one_step(true, false);
  CHECK(checkpointed.attention_probs == 0);
  CHECK(checkpointed.activations < full.activations - full.attention_probs);
  CHECK(checkpointed.gradients == full.gradients);
  // ... and backward recomputes one layer at a time: about half of the two layers' activations.
  CHECK(full.recomputed == 0);
  CHECK(checkpointed.recomputed > 0);
  CHECK(checkpointed.recomputed < full.activations - checkpointed.activations);

  // LoRA: gradients and AdamW state for the adapters only.
  const finetune::MemoryLedger adapted = ledger_of_one_step(false, true);
  const int64_t adapters = 2 * 2 * (4 * 32 + 32 * 4);  // 2 layers × {query, value} × (A + B)
  CHECK(adapted.gradients == adapters * 4);
  CHECK(adapted.optimizer_state == 2 * adapters * 4);
  CHECK(adapted.weights == (params + adapters) * 4);
}
