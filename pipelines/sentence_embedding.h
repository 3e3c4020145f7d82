// Sentence embeddings: one vector per text, made from BERT's token vectors (sentence-transformers).
//
// A BertModel gives a vector per token, last_hidden_state [B, S, H]. A sentence embedding averages
// the real tokens' vectors (padding excluded by the attention mask), then scales to length 1, so
// the dot product of two embeddings is their cosine similarity. Worked example, H = 2:
//   token vectors (1, 2), (3, 4) and a padding token (9, 9) with mask 1 1 0
//   mean_pooling -> ((1+3)/2, (2+4)/2) = (2, 3);  normalize -> (2, 3) / sqrt(13) = (0.5547, 0.8321)
// Shapes: B batch, S sequence, H hidden; M and N numbers of embeddings.
// sentence-transformers: https://github.com/UKPLab/sentence-transformers/blob/v2.2.2/sentence_transformers/models/Pooling.py
#pragma once

#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab::pipelines {

// Sum of token_embeddings [B, S, H] over the tokens where attention_mask [B, S] is 1, divided by
// their count (at least 1e-9, as sentence-transformers clamps it) -> [B, H].
Tensor mean_pooling(const Tensor& token_embeddings, const IntTensor& attention_mask);
// The [CLS] token's vector, token_embeddings[:, 0] -> [B, H] (sentence-transformers' "cls" mode;
// BertModel's pooler_output is another thing: tanh(dense(·)) of this vector).
Tensor cls_pooling(const Tensor& token_embeddings);
// x / max(‖x‖₂, eps) over the last dimension, as torch.nn.functional.normalize.
Tensor normalize(const Tensor& x, float eps = 1e-12f);
// cos_sim(a [M, H], b [N, H]) -> [M, N]: the cosine of the angle between every a[i] and b[j].
Tensor cos_sim(const Tensor& a, const Tensor& b);

}  // namespace bertlab::pipelines
