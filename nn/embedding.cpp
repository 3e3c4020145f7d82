#include "nn/embedding.h"  // defines: Embedding

#include "nn/init.h"
#include <fmt/format.h>

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::nn {

Embedding::Embedding(int64_t num, int64_t dim, int64_t pad)
    : num_embeddings(num), embedding_dim(dim), padding_idx(pad), weight(Tensor::empty({num, dim})) {
  // Checked, because the row is zeroed next: padding_idx = num would write past the table.
  BERT_CHECK(padding_idx == -1 || (padding_idx >= 0 && padding_idx < num),
             "Embedding: padding_idx out of range: expected -1 (none) or 0 <= padding_idx < {}, got {}", num,
             padding_idx);
  init::normal_(weight, 0.0f, 1.0f, default_generator());  // PyTorch's default: N(0, 1)
  if (padding_idx >= 0) std::fill_n(weight.data() + padding_idx * dim, dim, 0.0f);
  register_parameter("weight", weight);
}

Tensor Embedding::forward(const IntTensor& ids) const { return embedding(ids, weight, padding_idx); }

std::string Embedding::extra_repr() const {
  std::string s = fmt::format("{}, {}", num_embeddings, embedding_dim);
  if (padding_idx >= 0) s += fmt::format(", padding_idx={}", padding_idx);
  return s;
}

}  // namespace bertlab::nn
