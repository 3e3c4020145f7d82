// Python's way of printing things, so that the C++ lab prints what the notebook printed.
//
//   python_repr({"[CLS]", "hack", "##ath", "[SEP]"})   ->  ['[CLS]', 'hack', '##ath', '[SEP]']
//   torch_size({1, 26, 768})                            ->  torch.Size([1, 26, 768])
//   torch_repr(tokenizer(a, b, {...}))  (return_tensors="pt")
//       -> {'input_ids': tensor([[  101,  2026, ...]]), 'token_type_ids': tensor([[0, ...]]), ...}
//   torch_repr(Tensor::scalar(0.01214f))  ->  tensor(0.0121)    (3.7e-09f -> tensor(3.7000e-09))
// torch_repr follows torch's tensor printing: every number right-aligned to the widest one,
// and as many numbers per line as fit in 80 columns.
#pragma once

#include <string>
#include <vector>

#include "tensor/shape.h"        // defines: Shape
#include "tensor/tensor.h"       // defines: Tensor
#include "tokenizer/encoding.h"  // defines: Encoding

namespace bertlab::lab {

// Python's repr of a string: 'hello', but "'" for a quote (double quotes when that avoids an
// escape), and \\ for a backslash.
std::string python_repr(const std::string& text);
// Python's repr of a list of strings: ['[CLS]', 'hello', '[SEP]'].
std::string python_repr(const std::vector<std::string>& texts);

std::string torch_size(const Shape& shape);

// print(encoded_inputs) of one text (or pair) encoded with return_tensors="pt": [1, S] tensors.
std::string torch_repr(const tokenizer::Encoding& encoding);
// print() of a [1, S] int64 tensor (labels) holding `row`.
std::string torch_repr(const std::vector<int64_t>& row);
// print() of a 0-dim float tensor (p.grad.norm()): 4 decimals, or 4 in scientific notation when
// the value is below 1e-4 or above 1e8; a whole number as "2.".
std::string torch_repr(const Tensor& scalar);

}  // namespace bertlab::lab
