#include "pipelines/return_tensors.h"  // defines: ModelInputs, return_tensors

namespace bertlab::pipelines {

namespace {

IntTensor row_tensor(const tokenizer::Encoding& encoding, const char* key) {
  tokenizer::IdMatrix m = encoding.matrix(key);  // [1, S]
  return IntTensor(std::move(m.data), std::move(m.shape));
}

}  // namespace

ModelInputs return_tensors(const tokenizer::Encoding& encoding) {
  return {row_tensor(encoding, "input_ids"), row_tensor(encoding, "attention_mask"),
          row_tensor(encoding, "token_type_ids")};
}

}  // namespace bertlab::pipelines
