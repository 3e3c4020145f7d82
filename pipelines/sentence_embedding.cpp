#include "pipelines/sentence_embedding.h"  // defines: mean_pooling, cls_pooling, normalize, cos_sim

#include <algorithm>

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::pipelines {

Tensor mean_pooling(const Tensor& token_embeddings, const IntTensor& attention_mask) {
  BERT_CHECK(token_embeddings.dim() == 3 && attention_mask.shape.size() == 2 &&
                 attention_mask.shape[0] == token_embeddings.shape()[0] &&
                 attention_mask.shape[1] == token_embeddings.shape()[1],
             "mean_pooling: expected token_embeddings [B, S, H] and attention_mask [B, S], got {} and {}",
             token_embeddings.shape(), attention_mask.shape);
  const int64_t B = attention_mask.shape[0], S = attention_mask.shape[1];
  const Tensor mask = reshape(to_float(attention_mask), {B, S, 1});  // [B, S, 1]
  const Tensor summed = sum(token_embeddings * mask, 1);              // [B, H]
  // The mask is a constant, so its counts are plain numbers: clamped, a row of padding gives 0, not NaN.
  std::vector<float> counts(B);
  for (int64_t b = 0; b < B; ++b)
    counts[b] = std::max(static_cast<float>(std::count(attention_mask.data.begin() + b * S,
                                                       attention_mask.data.begin() + (b + 1) * S, int64_t{1})),
                         1e-9f);
  return summed / Tensor::from_vector(counts, {B, 1});  // [B, H]
}

Tensor cls_pooling(const Tensor& token_embeddings) {
  BERT_CHECK(token_embeddings.dim() == 3, "cls_pooling: expected token_embeddings [B, S, H], got {}",
             token_embeddings.shape());
  const int64_t B = token_embeddings.shape()[0], H = token_embeddings.shape()[2];
  return reshape(slice(token_embeddings, 1, 0, 1), {B, H});  // [B, 1, H] -> [B, H]
}

Tensor normalize(const Tensor& x, float eps) {
  const Tensor norm = sqrt(sum(x * x, -1, /*keepdim=*/true));  // [..., 1]
  // max(norm, eps) written with ops that have a gradient: relu(norm - eps) + eps.
  const Tensor eps_t = Tensor::scalar(eps);
  return x / (relu(norm - eps_t) + eps_t);
}

Tensor cos_sim(const Tensor& a, const Tensor& b) {
  BERT_CHECK(a.dim() == 2 && b.dim() == 2 && a.shape()[1] == b.shape()[1],
             "cos_sim: expected a [M, H] and b [N, H], got {} and {}", a.shape(), b.shape());
  return matmul(normalize(a), normalize(b), false, /*transpose_b=*/true);  // [M, H] @ [H, N] -> [M, N]
}

}  // namespace bertlab::pipelines
