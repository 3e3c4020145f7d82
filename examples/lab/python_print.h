// Python's way of printing things, so that the C++ lab prints what the notebook printed.
//
//   python_repr({"[CLS]", "hack", "##ath", "[SEP]"})   ->  ['[CLS]', 'hack', '##ath', '[SEP]']
//   torch_size({1, 26, 768})                            ->  torch.Size([1, 26, 768])
//   torch_repr(tokenizer(a, b, {...}))  (return_tensors="pt")
//       -> {'input_ids': tensor([[  101,  2026, ...]]), 'token_type_ids': tensor([[0, ...]]), ...}
// torch_repr follows torch's tensor printing: every number right-aligned to the widest one,
// and as many numbers per line as fit in 80 columns.
#pragma once

#include <string>
#include <vector>

#include "tensor/shape.h"        // defines: Shape
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

}  // namespace bertlab::lab
