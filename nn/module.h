// nn::Module: the base of every layer, as torch.nn.Module.
//
// A module owns parameters (Tensors that training updates) and child modules, each registered
// under a name. Names compose with dots, so inside BertModel the query weight of layer 3 is
//   encoder.layer.3.attention.self.query.weight
// — exactly the key in a HuggingFace checkpoint, which is how loading by name works.
//   Linear dense(768, 768);           // registers "weight" [768, 768] and "bias" [768]
//   dense.named_parameters()          // {("weight", ...), ("bias", ...)}
//   std::cout << dense;               // Linear(in_features=768, out_features=768, bias=True)
// Modules cannot be copied or moved: children are registered by address.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/error.h"   // defines: Error
#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::nn {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The class name printed in the module tree ("Linear", "BertLayer").
  virtual std::string type_name() const = 0;
  // Extra text inside the parentheses, as PyTorch's extra_repr ("in_features=768, ...").
  virtual std::string extra_repr() const { return ""; }

  // Every parameter under this module with its dotted name, in registration order.
  // A tensor registered twice (tied weights) is listed once, under its first name.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  int64_t num_parameters(bool only_trainable = false) const;
  std::vector<std::pair<std::string, const Module*>> named_modules() const;  // "" is this one
  const std::vector<std::pair<std::string, Module*>>& children() const { return children_; }

  // Dropout is active in training mode only. train()/eval() reach every child.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();  // drop every parameter's gradient

  // Point the registered child `name` at another module, which the caller keeps alive. Only the
  // name tree changes (names, printing, train()); forward() still calls the member, so a member
  // that must behave differently hands over itself (see Linear::lora in nn/linear.h).
  void replace_child(const std::string& name, Module& child);

 protected:
  // Parameters and children are members of the subclass, registered by address.
  void register_parameter(std::string name, Tensor& param);
  void register_module(std::string name, Module& child);

 private:
  void collect_parameters(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;

  std::vector<std::pair<std::string, Tensor*>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

// A numbered list of modules, printed as PyTorch's ModuleList: (0): ..., (1): ...
template <typename M>
class ModuleList : public Module {
 public:
  template <typename... Args>
  M& append(Args&&... args) {
    items_.push_back(std::make_unique<M>(std::forward<Args>(args)...));
    register_module(std::to_string(items_.size() - 1), *items_.back());
    return *items_.back();
  }
  std::string type_name() const override { return "ModuleList"; }
  size_t size() const { return items_.size(); }
  M& operator[](size_t i) { return *items_.at(i); }
  const M& operator[](size_t i) const { return *items_.at(i); }

 private:
  std::vector<std::unique_ptr<M>> items_;
};

// Modules by name, printed as PyTorch's ModuleDict: (default): ... (PEFT keeps one per adapter).
template <typename M>
class ModuleDict : public Module {
 public:
  template <typename... Args>
  M& insert(const std::string& key, Args&&... args) {
    items_.emplace_back(key, std::make_unique<M>(std::forward<Args>(args)...));
    register_module(key, *items_.back().second);
    return *items_.back().second;
  }
  std::string type_name() const override { return "ModuleDict"; }
  M& operator[](const std::string& key) { return const_cast<M&>(std::as_const(*this)[key]); }
  const M& operator[](const std::string& key) const {
    for (const auto& [name, item] : items_)
      if (name == key) return *item;
    throw Error(fmt::format("ModuleDict: no key \"{}\"", key));
  }

 private:
  std::vector<std::pair<std::string, std::unique_ptr<M>>> items_;
};

// Calls visit(parent, child_name, full_name, child) for every module below `model`, depth first
// (full_name as in named_modules: "encoder.layer.0.attention.self.query"). visit returns false
// to skip the child's own children: how apply_lora and quantize_dynamic swap a module by name.
using ModuleVisit = std::function<bool(Module& parent, const std::string& name, const std::string& full_name, Module& child)>;
void walk_modules(Module& model, const ModuleVisit& visit);

// Prints the module tree the way PyTorch's print(model) does.
std::ostream& operator<<(std::ostream& os, const Module& module);
std::string to_string(const Module& module);

}  // namespace bertlab::nn
