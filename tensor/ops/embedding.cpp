// embedding: look up one row of a table per id (nn.Embedding).
//
//   out[p, :] = weight[ids[p], :]                      ids [...], weight [V, H] -> out [..., H]
// Backward is a scatter-add: each row was copied once per occurrence of its id, so
//   dweight[ids[p], :] += dout[p, :]    for every position p (a repeated id sums its rows).
// The row padding_idx receives no gradient (PyTorch: padding_idx "does not contribute to the
// gradient"), so the [PAD] vector stays as loaded during training.
#include <algorithm>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab {

Tensor embedding(const IntTensor& ids, const Tensor& weight, int64_t padding_idx) {
  BERT_CHECK(weight.dim() == 2, "embedding: expected weight [V, H], got {}", weight.shape());
  const int64_t V = weight.size(0), H = weight.size(1);
  for (int64_t p = 0, end = ids.numel(); p < end; ++p)
    BERT_CHECK(ids.data[p] >= 0 && ids.data[p] < V,
               "embedding: id out of range: expected 0 <= id < {} (the table's rows), got {} at flat position {}. "
               "Hint: does the tokenizer's vocabulary match the model's vocab_size?",
               V, ids.data[p], p);
  Shape out_shape = ids.shape;
  out_shape.push_back(H);
  Tensor out = Tensor::empty(out_shape);  // [..., H]
  for (int64_t p = 0, end = ids.numel(); p < end; ++p)
    std::copy_n(weight.data() + ids.data[p] * H, H, out.data() + p * H);

  return record(out, "embedding", {weight}, [ids, weight, padding_idx, H](const Tensor&, const Tensor& dout) {
    float* dweight = weight.grad_data();
    for (int64_t p = 0, end = ids.numel(); p < end; ++p) {
      if (ids.data[p] == padding_idx) continue;
      float* row = dweight + ids.data[p] * H;
      const float* g = dout.data() + p * H;
      for (int64_t h = 0; h < H; ++h) row[h] += g[h];
    }
  });
}

}  // namespace bertlab
