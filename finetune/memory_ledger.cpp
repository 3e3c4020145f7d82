#include "finetune/memory_ledger.h"  // defines: MemoryLedger

#include <fmt/format.h>

namespace bertlab::finetune {

std::string MemoryLedger::to_string() const {
  auto line = [](const char* what, int64_t bytes, const char* note) {
    return fmt::format("  {:<22}{:>10.1f} MB  {}\n", what, static_cast<double>(bytes) / 1e6, note);
  };
  return fmt::format("memory at step {}\n", step) + line("weights", weights, "") +
         line("gradients", gradients, "one per trainable parameter") +
         line("optimizer state", optimizer_state, "AdamW's exp_avg and exp_avg_sq") +
         line("activations", activations, "kept by forward for backward") +
         line("  attention probs", attention_probs, "of the activations: [B, N, S, S] per layer") +
         (recomputed > 0 ? line("recomputed", recomputed, "gradient checkpointing: one layer in backward") : "") +
         line("sum", sum(), "") + line("tensors at the peak", peak_tensors, "measured: the most held at once") +
         line("process peak", peak_resident, "measured: resident set (+ program, data, malloc's slack)");
}

}  // namespace bertlab::finetune
