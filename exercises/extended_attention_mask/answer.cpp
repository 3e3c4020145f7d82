// The answer: the library's own (bert/model.cpp › extended_attention_mask).
#include "bert/model.h"  // defines: extended_attention_mask
#include "exercises/extended_attention_mask/extended_attention_mask.h"

namespace bertlab::exercises {

Tensor extended_attention_mask(const IntTensor& attention_mask) { return bert::extended_attention_mask(attention_mask); }

}  // namespace bertlab::exercises
