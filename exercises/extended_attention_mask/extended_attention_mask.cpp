// Exercise (lab 02): the extended attention mask.
//
// attention_mask [B, S] holds 1 for a real token and 0 for padding. Attention adds a mask to its
// scores [B, N, S, S] before the softmax, so turn it into floats [B, 1, 1, S] (the 1s broadcast over
// the N heads and the S query positions) that are
//   0.0f                                 where attention_mask is 1  (the score stays as it is)
//   std::numeric_limits<float>::lowest() where attention_mask is 0  (HF's torch.finfo(float32).min:
//                                         after the softmax that key gets probability 0)
//   [[1, 1, 0]] -> [[[[0, 0, -3.4028235e38]]]]
//
// Hint: Tensor::empty({B, 1, 1, S}) and a loop over attention_mask.data; the shape is attention_mask.shape.
// Check it: ./run exercise extended_attention_mask       Answer: bert/model.cpp › extended_attention_mask
#include "exercises/extended_attention_mask/extended_attention_mask.h"

#include <limits>
#include <stdexcept>

namespace bertlab::exercises {

Tensor extended_attention_mask(const IntTensor& attention_mask) {
  // TODO: your code here.
  throw std::logic_error("TODO: extended_attention_mask is not written yet");
}

}  // namespace bertlab::exercises
