// Exercise (lab 03): fill-mask, the softmax at the [MASK] and its top k.
//
// BertForMaskedLM gives logits [1, S, V]: at every position a score for each of the V words.
// At the [MASK]'s position, turn its V scores into probabilities and keep the k best:
//   p[v] = exp(logits[0, position, v]) / Σ_u exp(logits[0, position, u])
//   return {token v, probability p[v]} for the k largest p, largest first; on a tie the smaller id first
// (that is what torch.topk and the notebook's In [17]–In [18] do).
//   logits [[[0, ln 3, 0]]], position 0, k = 2  ->  {1, 0.6}, {0, 0.2}
//
// Hint: subtract the row's max before exp (exp(90) overflows a float); then sort token ids by
// probability with std::partial_sort. logits.data() + position * V is the row.
// Check it: ./run exercise fill_mask_top_k       Answer: pipelines/fill_mask.cpp › top_k_probabilities
#include "exercises/fill_mask_top_k/fill_mask_top_k.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bertlab::exercises {

std::vector<pipelines::TokenProbability> fill_mask_top_k(const Tensor& logits, int64_t position, int64_t k) {
  // TODO: your code here.
  throw std::logic_error("TODO: fill_mask_top_k is not written yet");
}

}  // namespace bertlab::exercises
