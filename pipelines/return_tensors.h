// return_tensors="pt": a tokenizer's Encoding as the [1, S] id tensors a model's forward() takes.
//
//   const ModelInputs inputs = return_tensors(tokenizer("a hackathon"));  // input_ids [1, 6]
//   model.forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids);
// Python's model(**encoded_inputs) passes the three by name; C++ passes them in forward()'s order.
// Shapes: S sequence.
#pragma once

#include "tensor/tensor.h"       // defines: IntTensor
#include "tokenizer/encoding.h"  // defines: Encoding

namespace bertlab::pipelines {

struct ModelInputs {
  IntTensor input_ids;       // [1, S]
  IntTensor attention_mask;  // [1, S], 1 = a real token
  IntTensor token_type_ids;  // [1, S], 0 = first text, 1 = second
};

ModelInputs return_tensors(const tokenizer::Encoding& encoding);

}  // namespace bertlab::pipelines
