// Tensor: float32 numbers in a row-major block, a shape, and what autograd needs.
//
//   Tensor x = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});  // [2, 3]
//   x.data()[1 * 3 + 2] == 6                                      // element (1, 2)
//
// A Tensor is a handle: copying it shares the same numbers (like a Python variable), and a
// reshape shares the storage too, so views cost nothing. Layout changes (transpose, permute)
// copy into a new contiguous block — every Tensor here is contiguous, which keeps kernels simple.
//
// For autograd a Tensor also carries `requires_grad`, its accumulated `grad`, and `grad_fn`:
// the Node (op) that produced it. Leaves (parameters, inputs) have no grad_fn.
// Integer ids (token ids, labels) live in IntTensor: int64 values and a shape, no autograd.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/shape.h"  // defines: Shape

namespace bertlab {

struct Node;  // tensor/autograd.h
class Generator;  // tensor/random.h
namespace kernels {
class PackedB;  // tensor/kernels/gemm.h
}

// The state behind a Tensor handle. `data` may point into memory someone else owns (another
// tensor's storage, an mmap'ed checkpoint): the shared_ptr keeps that owner alive.
struct TensorImpl {
  std::shared_ptr<float> data;
  Shape shape;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // same shape; made on the first accumulation
  std::shared_ptr<Node> grad_fn;     // the op that produced this tensor; null for leaves
  std::string name;                  // parameter name, shown in autograd graphs
  // Counts the changes made to the numbers in place (PyTorch's tensor._version): whatever
  // writes into data() of an existing tensor (an optimizer step, loading a checkpoint, LoRA's
  // merge, an init) calls bump_version() after. Copies made of the numbers check it.
  uint64_t version = 0;
  // A Linear's weight packed for the GEMM (tensor/ops/matmul.cpp), made at `packed_version`.
  std::shared_ptr<const kernels::PackedB> packed;
  uint64_t packed_version = 0;
};

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor (like an empty Optional)
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- Factories -------------------------------------------------------------------------
  static Tensor empty(const Shape& shape);  // uninitialized
  static Tensor zeros(const Shape& shape);
  static Tensor ones(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor scalar(float value);  // shape []
  static Tensor from_vector(const std::vector<float>& values, const Shape& shape);
  // Wrap memory owned by `owner` without copying (used for mmap'ed checkpoints).
  static Tensor from_blob(std::shared_ptr<float> data, const Shape& shape);
  static Tensor randn(const Shape& shape, Generator& gen, float mean = 0.0f, float std = 1.0f);

  // ---- Inspection ------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;  // d may be negative: size(-1) is the last dimension
  int64_t numel() const;
  float* data() const;  // the first element; numel() floats follow, row-major
  float item() const;   // the value of a one-element tensor
  std::vector<float> to_vector() const;
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  // ---- Autograd --------------------------------------------------------------------------
  bool requires_grad() const;
  Tensor& requires_grad_(bool value = true);  // only on leaves
  Tensor grad() const;  // undefined until a backward pass reached this tensor
  float* grad_data() const;  // for backward functions: the grad buffer, zero-filled on first use
  // For backward functions: the grad buffer, and whether it is fresh (nothing added to it yet).
  // A fresh buffer is uninitialized. A backward that computes a whole gradient in one go (a GEMM)
  // writes it (C = ... rather than C += ...); one that adds into it piece by piece (a kernel on
  // a chunk or a row) asks for each piece with add_into, which zeroes a fresh piece right before
  // the kernel adds to it, while it is in cache. Both save what grad_data costs: a pass that
  // zero-fills the buffer through memory, for every activation-sized gradient.
  struct GradBuffer {
    float* data;
    bool fresh;
    // Elements [begin, begin + count), ready to be added into.
    float* add_into(int64_t begin, int64_t count) const {
      if (fresh) std::fill_n(data + begin, count, 0.0f);
      return data + begin;
    }
  };
  GradBuffer grad_buffer() const;
  void zero_grad() const;    // drop the accumulated gradient (PyTorch's set_to_none)
  const std::shared_ptr<Node>& grad_fn() const;
  bool is_leaf() const { return grad_fn() == nullptr; }
  // Reverse-mode autodiff from this tensor: from a scalar (dout = 1) or with a given dout.
  void backward() const;
  void backward(const Tensor& dout) const;
  Tensor detach() const;  // the same numbers, cut from the graph
  Tensor clone() const;   // a copy of the numbers (no graph)
  // In place, as PyTorch's copy_: this tensor's numbers become src's (same shape), and the
  // version is bumped. How a checkpoint's values go into a model's existing parameters.
  void copy_(const Tensor& src) const;
  void set_name(std::string name) const;
  const std::string& name() const;
  // After writing into data() of a tensor that already existed: say so, so that nothing keeps
  // using a copy made of the old numbers (TensorImpl::version).
  void bump_version() const;
  uint64_t version() const;

  // ---- Shape helpers mirroring PyTorch's methods (they are ops; see tensor/ops.h) ----------
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor permute(const Shape& dims) const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Integer ids with a shape: token ids, token types, masks and labels ([B, S] int64).
struct IntTensor {
  std::vector<int64_t> data;
  Shape shape;

  IntTensor() = default;
  IntTensor(std::vector<int64_t> values, Shape shape_);
  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  int64_t size(int64_t d) const;
};

// Copy between the two kinds (e.g. an attention mask of 0/1 ids into floats).
Tensor to_float(const IntTensor& ids);

// The machine's physical memory in bytes (sysconf). No tensor may be bigger, and BertConfig
// checks that a model's weights fit before building one.
int64_t physical_memory_bytes();

}  // namespace bertlab
