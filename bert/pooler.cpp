#include "bert/pooler.h"  // defines: BertPooler

#include "tensor/ops.h"

namespace bertlab::bert {

BertPooler::BertPooler(const BertConfig& config) : dense(config.hidden_size, config.hidden_size), activation("tanh") {
  register_module("dense", dense);
  register_module("activation", activation);
}

Tensor BertPooler::forward(const Tensor& hidden_states) const {
  const int64_t B = hidden_states.size(0), H = hidden_states.size(2);
  Tensor first_token_tensor = slice(hidden_states, 1, 0, 1).reshape({B, H});  // [B, H]
  return activation.forward(dense.forward(first_token_tensor));              // [B, H]
}

}  // namespace bertlab::bert
