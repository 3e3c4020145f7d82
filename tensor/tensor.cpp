#include "tensor/tensor.h"  // defines: Tensor, IntTensor, to_float, physical_memory_bytes

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <unistd.h>  // sysconf

#ifdef __GLIBC__
#include <malloc.h>  // mallopt
#endif

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/memory.h"
#include "tensor/ops/parallel.h"
#include "tensor/random.h"

namespace bertlab {

// ---- Factories --------------------------------------------------------------------------

namespace {
// A training step frees its activations at the end and allocates the same sizes again in the
// next step. By default glibc's malloc gives every block over ~128 KB (adaptively up to 32 MB)
// its own fresh pages from the OS and returns them on free, so each step page-faults in and
// zero-fills all of its activations again: 10-25% of a bert-base training step, measured.
// Told to keep freed memory, malloc hands it out again instead: blocks up to 1 GiB come from
// its heap, not from mmap, and the heap is never trimmed (a step of question answering at 8×384
// frees 5 GB at its end; with trimming at 1 GiB, a quarter of the next step went into the
// kernel zeroing fresh pages again). The process keeps its peak memory until it exits, as a
// training run would need it again anyway. Called once, before the first tensor. (PyTorch's
// GPU caching allocator exists for the same reason.) Other C libraries keep their own policy.
bool keep_freed_memory_for_reuse() {
#ifdef __GLIBC__
  constexpr int kMaxHeapBlock = 1 << 30;  // bytes; larger blocks still come from mmap
  mallopt(M_MMAP_THRESHOLD, kMaxHeapBlock);
  mallopt(M_TRIM_THRESHOLD, -1);  // -1: never give the heap's free top back to the OS
#endif
  return true;
}

// One allocation of numel floats (at least one, so data() is never null), uninitialized.
// Sizes are checked first: a count or a byte size that overflows int64, or more bytes than
// the machine has, is an error before malloc (Linux may say yes to a huge malloc and kill
// the process later, when the pages are touched).
Tensor allocate(const Shape& shape) {
  static const bool malloc_tuned = keep_freed_memory_for_reuse();
  (void)malloc_tuned;
  for (int64_t s : shape) BERT_CHECK(s >= 0, "Tensor: negative size in shape {}", shape);
  const int64_t n = std::max<int64_t>(bertlab::numel(shape), 1);
  const std::optional<int64_t> bytes = checked_mul(n, sizeof(float));
  BERT_CHECK(bytes, "Tensor: shape {} needs more than 2^63 bytes", shape);
  void* p = *bytes <= physical_memory_bytes() ? std::malloc(*bytes) : nullptr;
  BERT_CHECK(p != nullptr, "Tensor: out of memory: shape {} needs {} bytes, this machine has {}", shape, *bytes,
             physical_memory_bytes());
  auto impl = std::make_shared<TensorImpl>();
  const memory::Tag tag = memory::counted_in(*bytes);  // for the memory ledger (tensor/memory.h)
  impl->data = std::shared_ptr<float>(static_cast<float*>(p), [n = *bytes, tag](float* q) {
    std::free(q);
    memory::counted_out(n, tag);
  });
  impl->shape = shape;
  return Tensor(std::move(impl));
}
}  // namespace

Tensor Tensor::empty(const Shape& shape) { return allocate(shape); }

// Filled on every core: backward zero-fills a gradient buffer for every intermediate tensor.
Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  float* p = t.data();
  detail::parallel_chunks(t.numel(), [&](int64_t begin, int64_t count) { std::fill_n(p + begin, count, value); });
  return t;
}

Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.0f); }
Tensor Tensor::ones(const Shape& shape) { return full(shape, 1.0f); }
Tensor Tensor::scalar(float value) { return full({}, value); }

Tensor Tensor::from_vector(const std::vector<float>& values, const Shape& shape) {
  BERT_CHECK(static_cast<int64_t>(values.size()) == bertlab::numel(shape),
             "Tensor::from_vector: value count does not fit the shape: expected {} values for {}, got {}",
             bertlab::numel(shape), shape, values.size());
  Tensor t = empty(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor Tensor::from_blob(std::shared_ptr<float> data, const Shape& shape) {
  auto impl = std::make_shared<TensorImpl>();
  impl->data = std::move(data);
  impl->shape = shape;
  return Tensor(std::move(impl));
}

Tensor Tensor::randn(const Shape& shape, Generator& gen, float mean, float std) {
  Tensor t = empty(shape);
  for (int64_t i = 0, end = t.numel(); i < end; ++i) t.data()[i] = gen.normal(mean, std);
  return t;
}

// ---- Inspection -------------------------------------------------------------------------

static TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  BERT_CHECK(impl != nullptr, "Tensor: use of an undefined tensor");
  return *impl;
}

const Shape& Tensor::shape() const { return checked(impl_).shape; }
int64_t Tensor::numel() const { return bertlab::numel(shape()); }
float* Tensor::data() const { return checked(impl_).data.get(); }

int64_t Tensor::size(int64_t d) const { return shape()[normalize_dim(d, dim(), "Tensor::size")]; }

float Tensor::item() const {
  BERT_CHECK(numel() == 1, "Tensor::item: expected a one-element tensor, got shape {}", shape());
  return data()[0];
}

std::vector<float> Tensor::to_vector() const { return {data(), data() + numel()}; }

// ---- Autograd ---------------------------------------------------------------------------

bool Tensor::requires_grad() const { return checked(impl_).requires_grad; }

Tensor& Tensor::requires_grad_(bool value) {
  BERT_CHECK(is_leaf(), "requires_grad_: only leaf tensors can be switched. Hint: use detach() first");
  impl_->requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const { return Tensor(checked(impl_).grad); }

float* Tensor::grad_data() const {
  TensorImpl& impl = checked(impl_);
  if (!impl.grad) impl.grad = Tensor::zeros(impl.shape).impl_ptr();
  return impl.grad->data.get();
}

Tensor::GradBuffer Tensor::grad_buffer() const {
  TensorImpl& impl = checked(impl_);
  const bool fresh = !impl.grad;
  if (fresh) impl.grad = Tensor::empty(impl.shape).impl_ptr();
  return {impl.grad->data.get(), fresh};
}

void Tensor::zero_grad() const { checked(impl_).grad.reset(); }
const std::shared_ptr<Node>& Tensor::grad_fn() const { return checked(impl_).grad_fn; }

void Tensor::backward() const {
  BERT_CHECK(numel() == 1,
             "backward: expected a scalar (one-element) loss, got shape {}. Hint: pass the upstream "
             "gradient: backward(dout)", shape());
  run_backward(*this, Tensor::ones(shape()));
}

void Tensor::backward(const Tensor& dout) const { run_backward(*this, dout); }

Tensor Tensor::detach() const { return from_blob(checked(impl_).data, impl_->shape); }

Tensor Tensor::clone() const {
  Tensor t = empty(shape());
  std::copy_n(data(), numel(), t.data());
  return t;
}

void Tensor::copy_(const Tensor& src) const {
  BERT_CHECK(src.shape() == shape(), "copy_: expected a source of shape {}, got {}", shape(), src.shape());
  std::copy_n(src.data(), numel(), data());
  bump_version();
}

void Tensor::set_name(std::string name) const { checked(impl_).name = std::move(name); }
const std::string& Tensor::name() const { return checked(impl_).name; }
void Tensor::bump_version() const { ++checked(impl_).version; }
uint64_t Tensor::version() const { return checked(impl_).version; }

// ---- IntTensor --------------------------------------------------------------------------

IntTensor::IntTensor(std::vector<int64_t> values, Shape shape_) : data(std::move(values)), shape(std::move(shape_)) {
  BERT_CHECK(static_cast<int64_t>(data.size()) == bertlab::numel(shape),
             "IntTensor: value count does not fit the shape: expected {} values for {}, got {}",
             bertlab::numel(shape), shape, data.size());
}

int64_t IntTensor::size(int64_t d) const {
  return shape[normalize_dim(d, static_cast<int64_t>(shape.size()), "IntTensor::size")];
}

int64_t physical_memory_bytes() {
  static const int64_t bytes = [] {
    const int64_t pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    // sysconf says -1 when it cannot tell: then there is no limit to check against
    return pages > 0 && page_size > 0 ? pages * page_size : std::numeric_limits<int64_t>::max();
  }();
  return bytes;
}

Tensor to_float(const IntTensor& ids) {
  Tensor t = Tensor::empty(ids.shape);
  for (int64_t i = 0, end = ids.numel(); i < end; ++i) t.data()[i] = static_cast<float>(ids.data[i]);
  return t;
}

}  // namespace bertlab
