// nn::Embedding: a table of num_embeddings vectors of size embedding_dim, looked up by id.
//   Embedding word_embeddings(30522, 768, /*padding_idx=*/0);
//   word_embeddings.forward(input_ids)   // [B, S] ids -> [B, S, 768]
// The padding_idx row (-1: none, else a row of the table) starts at zero and never receives a
// gradient.
#pragma once

#include "nn/module.h"  // defines: Module

namespace bertlab::nn {

class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, int64_t padding_idx = -1);
  Tensor forward(const IntTensor& ids) const;  // [...] -> [..., embedding_dim]

  std::string type_name() const override { return "Embedding"; }
  std::string extra_repr() const override;

  int64_t num_embeddings, embedding_dim, padding_idx;  // padding_idx -1 = none
  Tensor weight;  // [num_embeddings, embedding_dim]
};

}  // namespace bertlab::nn
