// Autograd: the tape behind Tensor::backward().
//
// Every op that produces a tensor from inputs that require grad records a Node: its name, its
// inputs, and a backward function. The nodes form a graph pointing from outputs back to inputs
// (define-by-run: the graph is whatever the forward code actually did). backward() then
//   1. orders the graph topologically from the loss back to the leaves,
//   2. seeds d(loss)/d(loss) = 1,
//   3. visits tensors from the loss backward; each Node's backward adds (+=) its contribution
//      to the grad of each of its inputs (a tensor used twice receives two contributions),
//   4. frees the graph and the intermediate grads, so their memory returns at once.
// Leaves (parameters) keep .grad, which accumulates across backward calls until zero_grad().
//
// Example: y = x * x with x = 3.  mul's backward adds dout * x to x.grad twice (once per use),
// so x.grad = 2 * 3 = 6 = dy/dx.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab {

// backward(out, dout): out is the tensor the node produced, dout = d(loss)/d(out) with out's
// shape. It must add (never assign) into input.grad_data() for every input that requires grad.
using BackwardFn = std::function<void(const Tensor& out, const Tensor& dout)>;

struct Node {
  std::string op_name;          // shown in to_dot()
  std::vector<Tensor> inputs;   // the tensors the op read (kept alive until backward)
  BackwardFn backward;
};

// Is the tape recording? False inside a NoGradGuard scope (e.g. for evaluation).
bool grad_enabled();

// RAII: recording switched on or off while one lives, back as it was after, like
// `with torch.set_grad_enabled(enabled):`.
class GradModeGuard {
 public:
  explicit GradModeGuard(bool enabled);
  ~GradModeGuard();
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool previous_;
};

// No graph is recorded while one lives, like `with torch.no_grad():`.
struct NoGradGuard : GradModeGuard {
  NoGradGuard() : GradModeGuard(false) {}
};

// Recording on again inside a NoGradGuard scope, like `with torch.enable_grad():`. Gradient
// checkpointing needs it: it re-runs a forward from inside the backward pass.
struct EnableGradGuard : GradModeGuard {
  EnableGradGuard() : GradModeGuard(true) {}
};

// Does any input need a gradient (and is recording on)? Ops check this before saving tensors.
bool needs_grad(const std::vector<Tensor>& inputs);

// Attach a Node to `out` when needs_grad(inputs). Returns out for chaining.
Tensor record(Tensor out, std::string op_name, std::vector<Tensor> inputs, BackwardFn backward);

// Run the backward pass from root with upstream gradient dout (same shape as root).
void run_backward(const Tensor& root, const Tensor& dout);

// The graph behind `root` in Graphviz DOT: one box per op with its output shape, leaves named.
std::string to_dot(const Tensor& root);

}  // namespace bertlab
