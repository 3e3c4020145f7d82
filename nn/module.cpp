#include "nn/module.h"  // defines: Module, operator<<

#include <ostream>
#include <unordered_set>

#include "tensor/error.h"
#include "tensor/ops.h"  // defines: release_packed_weight

namespace bertlab::nn {

// ---- Registration -----------------------------------------------------------------------

namespace {
void check_name(const std::string& name, const char* what) {
  BERT_CHECK(!name.empty() && name.find('.') == std::string::npos,
             "Module::register_{}: expected a non-empty name without '.', got \"{}\"", what, name);
}
}  // namespace

void Module::register_parameter(std::string name, Tensor& param) {
  check_name(name, "parameter");
  param.requires_grad_(true);
  parameters_.emplace_back(std::move(name), &param);
}

void Module::register_module(std::string name, Module& child) {
  check_name(name, "module");
  children_.emplace_back(std::move(name), &child);
}

// ---- Walking the tree -------------------------------------------------------------------

void Module::collect_parameters(const std::string& prefix,
                                std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, param] : parameters_) out.emplace_back(prefix + name, *param);
  for (const auto& [name, child] : children_) child->collect_parameters(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> all, unique;
  collect_parameters("", all);
  std::unordered_set<const TensorImpl*> seen;
  for (auto& entry : all)
    if (seen.insert(entry.second.impl()).second) unique.push_back(std::move(entry));
  return unique;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters()) out.push_back(p);
  return out;
}

int64_t Module::num_parameters(bool only_trainable) const {
  int64_t n = 0;
  for (const Tensor& p : parameters())
    if (!only_trainable || p.requires_grad()) n += p.numel();
  return n;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> out{{"", this}};
  for (const auto& [name, child] : children_)
    for (auto& [sub, m] : child->named_modules()) out.emplace_back(sub.empty() ? name : name + "." + sub, m);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  // Copies of the weights packed for inference (tensor/ops.h › linear) would only be memory in
  // training: they go, and eval() packs again on the next forward.
  if (on)
    for (auto& [name, p] : parameters_) release_packed_weight(*p);
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.zero_grad();
}

void Module::replace_child(const std::string& name, Module& child) {
  for (auto& [registered, old] : children_)
    if (registered == name) {
      old = &child;
      return;
    }
  throw Error(fmt::format("replace_child: no child module named \"{}\" in {}", name, type_name()));
}

namespace {
void walk_below(Module& parent, const std::string& prefix, const ModuleVisit& visit) {
  for (size_t i = 0; i < parent.children().size(); ++i) {
    const auto [name, child] = parent.children()[i];  // a copy: visit may replace the child
    if (visit(parent, name, prefix + name, *child)) walk_below(*child, prefix + name + ".", visit);
  }
}
}  // namespace

void walk_modules(Module& model, const ModuleVisit& visit) { walk_below(model, "", visit); }

// ---- Printing, as PyTorch's Module.__repr__ -----------------------------------------------

namespace {
// Indent every line but the first by two spaces (PyTorch's _addindent).
std::string indent(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}
}  // namespace

std::string to_string(const Module& module) {
  const std::string extra = module.extra_repr();
  if (module.children().empty()) return module.type_name() + "(" + extra + ")";
  std::string out = module.type_name() + "(\n";
  if (!extra.empty()) out += "  " + indent(extra) + "\n";
  for (const auto& [name, child] : module.children()) out += "  (" + name + "): " + indent(to_string(*child)) + "\n";
  return out + ")";
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << to_string(module); }

}  // namespace bertlab::nn
