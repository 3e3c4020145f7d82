// Gradient checkpointing: trade compute for memory, as torch.utils.checkpoint.checkpoint.
//
// A forward pass that records keeps every tensor a backward function will need — the inputs of
// each Linear, the attention probabilities, the dropout masks, the GELU input — until backward
// reaches it. For bert-base at 8 × 384 that is about 370 MB per layer, most of a training
// step's memory. checkpoint(segment, input, params) keeps only the segment's input instead:
//   forward:  output = segment(input) with recording off  -> nothing inside is kept
//             one node "checkpoint" is recorded for output, holding input
//   backward: 1. run segment(input) again, recording, with the random state the first run had,
//                so dropout draws the same masks and the recomputed numbers are the same
//             2. backward through that one segment's graph from d(loss)/d(output)
//             3. d(loss)/d(input) goes on to the segment before; the params' gradients have
//                accumulated into their .grad as without checkpointing
// So only one segment's intermediates live at a time, at the price of a second forward of each
// segment (a training step about a third slower). The gradients are the same, bit for bit.
//
//   Tensor h = checkpoint([&layer, mask](const Tensor& x) { return layer.forward(x, mask).layer_output; },
//                         hidden_states, layer.parameters());
// The segment runs again during backward, after the caller has returned: whatever it captures
// must still be alive then (capture tensors by value, modules by reference).
//
// `params` are the tensors the segment reads besides `input` that may need gradients (its
// weights). They make the node part of the graph even when `input` needs no gradient, e.g.
// with LoRA, where the embeddings are frozen but the adapters inside the segment train.
// (PyTorch's non-reentrant checkpoint finds them by itself; its reentrant one cannot, which is
// why PEFT calls enable_input_require_grads.)
// PyTorch: https://pytorch.org/docs/stable/checkpoint.html
#pragma once

#include <functional>
#include <vector>

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab {

using Segment = std::function<Tensor(const Tensor& input)>;

Tensor checkpoint(const Segment& segment, const Tensor& input, const std::vector<Tensor>& params);

}  // namespace bertlab
