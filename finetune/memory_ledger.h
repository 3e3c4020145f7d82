// The memory ledger: where a training step's memory goes, printed by the Trainer once, after
// its first step (AdamW's state exists from the start, so every later step looks the same).
// For bert-base fine-tuned in full, the four parts are:
//   weights          4 bytes per parameter
//   gradients        4 bytes per trainable parameter
//   optimizer state  AdamW's exp_avg and exp_avg_sq: 8 bytes per trainable parameter
//   activations      what forward keeps for backward, measured (tensor/memory.h): every layer's
//                    inputs to its Linears, GELU and LayerNorm inputs, the attention
//                    probabilities [B, N, S, S] (shown apart: they grow with S²)
// With gradient checkpointing (tensor/gradient_checkpointing.h) forward keeps only each layer's
// input, and backward recomputes one layer at a time: a fifth part, the most of it alive at once.
// Their sum is compared with what was measured: the most bytes tensors held at once in the
// step, and the process's peak resident set (which adds the program, the data and malloc's
// slack).
#pragma once

#include <cstdint>
#include <string>

namespace bertlab::finetune {

struct MemoryLedger {
  int64_t weights = 0, gradients = 0, optimizer_state = 0, activations = 0, attention_probs = 0;
  int64_t recomputed = 0;     // gradient checkpointing: the most recomputed tensors alive at once
  int64_t peak_tensors = 0;   // the most bytes held by tensors at once during the step
  int64_t peak_resident = 0;  // the process's peak resident set so far
  int64_t step = 0;

  int64_t sum() const { return weights + gradients + optimizer_state + activations + recomputed; }
  std::string to_string() const;  // the table the Trainer prints
};

}  // namespace bertlab::finetune
