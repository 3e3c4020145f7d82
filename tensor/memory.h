// Memory accounting: how many bytes tensors hold, counted where their storage is allocated
// and freed (tensor.cpp), so a training step can say where its memory goes (the Trainer's
// memory ledger, finetune/trainer.h) — as torch.cuda.memory_allocated and max_memory_allocated
// do for PyTorch on a GPU, and its memory profiler's categories.
//
//   const int64_t before = memory::live_tensor_bytes();
//   Tensor loss = model.forward(...).loss;                      // what forward keeps for backward
//   const int64_t activations = memory::live_tensor_bytes() - before;
//
// A MemoryTag scope also counts what is allocated inside it under a label, until it is freed:
// the attention probabilities (nn/multi_head_attention.cpp), and everything a gradient
// checkpoint recomputes in backward (tensor/gradient_checkpointing.cpp). Scopes inside one
// another count under the outermost label: a recomputed layer's probabilities are "recomputed".
// Weights packed for the GEMM (tensor/ops/matmul.cpp) are counted too, as "packed_weights".
// Not counted: storage that is not a tensor (dropout's byte masks, the tokenized data), and the
// program itself; peak_resident_bytes() is the process's whole high-water mark, for comparison.
#pragma once

#include <cstdint>

namespace bertlab::memory {

enum class Tag { none, attention_probs, recomputed, packed_weights, count };

int64_t live_tensor_bytes();                // held by tensors now
int64_t live_tensor_bytes(Tag tag);         // of them, allocated under `tag`
int64_t peak_tensor_bytes();                // the most held at once since the last reset_peak()
int64_t peak_tensor_bytes(Tag tag);         // the most held under `tag` at once, likewise
void reset_peak();
int64_t peak_resident_bytes();              // the process's maximum resident set (getrusage)

// While one lives, tensors allocated on this thread are counted under `tag` as well (unless an
// enclosing MemoryTag already names one).
class MemoryTag {
 public:
  explicit MemoryTag(Tag tag);
  ~MemoryTag();
  MemoryTag(const MemoryTag&) = delete;
  MemoryTag& operator=(const MemoryTag&) = delete;

 private:
  Tag previous_;
};

// For tensor.cpp's allocator: count `bytes` in (allocate) or out (free), under the tag current
// at allocation (returned by counted_in, handed back to counted_out).
Tag counted_in(int64_t bytes);
void counted_out(int64_t bytes, Tag tag);

}  // namespace bertlab::memory
