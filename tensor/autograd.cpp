#include "tensor/autograd.h"  // defines: Node, GradModeGuard, record, run_backward, to_dot

#include <unordered_map>
#include <unordered_set>

#include "tensor/error.h"

namespace bertlab {

// ---- Recording --------------------------------------------------------------------------

namespace {
thread_local bool g_grad_enabled = true;
}

bool grad_enabled() { return g_grad_enabled; }

GradModeGuard::GradModeGuard(bool enabled) : previous_(g_grad_enabled) { g_grad_enabled = enabled; }
GradModeGuard::~GradModeGuard() { g_grad_enabled = previous_; }

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

Tensor record(Tensor out, std::string op_name, std::vector<Tensor> inputs, BackwardFn backward) {
  if (!needs_grad(inputs)) return out;
  auto node = std::make_shared<Node>();
  node->op_name = std::move(op_name);
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  out.impl()->requires_grad = true;
  out.impl()->grad_fn = std::move(node);
  return out;
}

// ---- Backward ---------------------------------------------------------------------------

namespace {

// Tensors reachable from root through grad_fn edges, each listed after everything that
// consumes it (reverse post-order of a depth-first search). Iterative, so a deep graph
// (a 24-layer model makes thousands of nodes) cannot overflow the call stack.
// The list owns the tensors, so none is freed while the pass still needs it.
std::vector<std::shared_ptr<TensorImpl>> topological_order(const std::shared_ptr<TensorImpl>& root) {
  std::vector<std::shared_ptr<TensorImpl>> post_order;
  std::unordered_set<TensorImpl*> visited{root.get()};
  std::vector<std::pair<std::shared_ptr<TensorImpl>, size_t>> stack{{root, 0}};  // (tensor, next input)
  while (!stack.empty()) {
    auto& [t, next] = stack.back();
    const size_t n_inputs = t->grad_fn ? t->grad_fn->inputs.size() : 0;
    if (next < n_inputs) {
      const std::shared_ptr<TensorImpl>& in = t->grad_fn->inputs[next++].impl_ptr();
      if (in != nullptr && in->requires_grad && visited.insert(in.get()).second) stack.push_back({in, 0});
    } else {
      post_order.push_back(t);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& dout) {
  BERT_CHECK(root.requires_grad(),
             "backward: the tensor does not require grad: expected a result of ops on tensors "
             "with requires_grad, got a constant. Hint: call requires_grad_() on the parameters");
  BERT_CHECK(dout.shape() == root.shape(), "backward: gradient shape differs: expected {}, got {}",
             root.shape(), dout.shape());
  NoGradGuard no_grad;  // backward functions compute with tensors but record nothing

  // Seed: d(root)/d(root) = dout (1 for a scalar loss).
  const float* src = dout.data();
  float* g = root.grad_data();
  for (int64_t i = 0, end = root.numel(); i < end; ++i) g[i] += src[i];

  std::vector<std::shared_ptr<TensorImpl>> order = topological_order(root.impl_ptr());
  for (std::shared_ptr<TensorImpl>& t : order) {
    if (t->grad_fn) {  // leaves keep their grad; intermediates pass it on and drop it
      std::shared_ptr<Node> node = std::move(t->grad_fn);
      std::shared_ptr<TensorImpl> grad = std::move(t->grad);
      if (grad) node->backward(Tensor(t), Tensor(grad));
    }
    t.reset();  // everything that consumed t is done: its memory can go now
  }
}

// ---- Visualisation ----------------------------------------------------------------------

namespace {

// Text safe inside a DOT "quoted string": quotes and backslashes escaped, so any op or
// parameter name is fine (DOT's own "\n" line break is added by the caller).
std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

// Edges point the way the forward pass went (input -> op), drawn bottom-up: the parameters at
// the bottom, the loss (filled orange) at the top. Backward walks the same edges downward.
std::string to_dot(const Tensor& root) {
  std::string dot = "digraph autograd {\n  rankdir=BT;\n  ranksep=0.3;\n  nodesep=0.2;\n"
                    "  node [fontname=\"monospace\", fontsize=10];\n";
  std::unordered_map<TensorImpl*, std::string> ids;
  auto id_of = [&](TensorImpl* t) {
    auto [it, inserted] = ids.emplace(t, fmt::format("t{}", ids.size()));
    return it->second;
  };
  for (const std::shared_ptr<TensorImpl>& ptr : topological_order(root.impl_ptr())) {
    TensorImpl* t = ptr.get();
    const std::string id = id_of(t);
    if (t->grad_fn) {
      const char* fill = t == root.impl() ? ", style=filled, fillcolor=orange" : "";
      dot += fmt::format("  {} [shape=box{}, label=\"{}\\n{}\"];\n", id, fill, dot_escape(t->grad_fn->op_name),
                         t->shape);
      for (const Tensor& in : t->grad_fn->inputs)
        if (in.defined() && in.requires_grad()) dot += fmt::format("  {} -> {};\n", id_of(in.impl()), id);
    } else {
      const std::string label = t->name.empty() ? "leaf" : t->name;
      dot += fmt::format("  {} [shape=box, style=\"rounded,filled\", fillcolor=lightblue, label=\"{}\\n{}\"];\n", id,
                         dot_escape(label), t->shape);
    }
  }
  return dot + "}\n";
}

}  // namespace bertlab
