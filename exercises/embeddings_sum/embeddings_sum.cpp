// Exercise (lab 02): the embeddings, a sum of three lookups.
//
// BERT's first vectors are, for the token at position s of sequence b,
//   word_embeddings[input_ids[b, s]] + token_type_embeddings[token_type_ids[b, s]] + position_embeddings[s]
// (each row is H floats), and then LayerNorm over the H numbers (dropout is off: eval mode):
//   input_ids, token_type_ids [B, S] -> embedding_output [B, S, H]
// The tables are embeddings.word_embeddings.weight [V, H], embeddings.token_type_embeddings.weight
// [2, H] and embeddings.position_embeddings.weight [P, H]; the LayerNorm's are
// embeddings.layer_norm.weight and .bias [H], with embeddings.layer_norm.eps.
//
// Hint: build the sum in a Tensor::zeros({B, S, H}) with loops over b, s, h, then call
// bertlab::layer_norm(sum, weight, bias, eps) (tensor/ops.h) or write LayerNorm yourself.
// Check it: ./run exercise embeddings_sum       Answer: bert/embeddings.cpp › BertEmbeddings::forward
#include "exercises/embeddings_sum/embeddings_sum.h"

#include <stdexcept>

#include "tensor/ops.h"  // defines: layer_norm

namespace bertlab::exercises {

Tensor embeddings_sum(const IntTensor& input_ids, const IntTensor& token_type_ids,
                      const bert::BertEmbeddings& embeddings) {
  // TODO: your code here.
  throw std::logic_error("TODO: embeddings_sum is not written yet");
}

}  // namespace bertlab::exercises
