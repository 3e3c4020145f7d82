// Fill-mask, step by step: tokenize -> BertForMaskedLM -> [MASK] positions -> softmax -> top-k.
#include "pipelines/fill_mask.h"  // defines: mask_positions, top_k_probabilities, fill_mask

#include <algorithm>
#include <numeric>

#include "pipelines/return_tensors.h"  // defines: return_tensors
#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/error.h"     // defines: BERT_CHECK
#include "tensor/ops.h"       // defines: softmax

namespace bertlab::pipelines {

std::vector<int64_t> mask_positions(const std::vector<int64_t>& input_ids, int64_t mask_token_id) {
  std::vector<int64_t> positions;
  for (size_t i = 0; i < input_ids.size(); ++i)
    if (input_ids[i] == mask_token_id) positions.push_back(static_cast<int64_t>(i));
  return positions;
}

std::vector<TokenProbability> top_k_probabilities(const Tensor& logits, int64_t position, int64_t k) {
  BERT_CHECK(logits.dim() == 3 && logits.size(0) == 1,
             "top_k_probabilities: logits of one text: expected [1, S, V], got {}", logits.shape());
  const int64_t S = logits.size(1), V = logits.size(2);
  BERT_CHECK(position >= 0 && position < S, "top_k_probabilities: position out of range: expected 0 <= position < {}, "
             "got {}", S, position);
  BERT_CHECK(k >= 1 && k <= V, "top_k_probabilities: bad k: expected 1 <= k <= {} (the vocabulary), got {}", V, k);
  // probs = F.softmax(logits[0, position], dim=-1)
  const Tensor row = reshape(slice(logits, 1, position, position + 1), {V});  // [V]
  const Tensor probs = softmax(row);                                                // [V]
  const float* p = probs.data();
  // top_k_weights, top_k_indices = torch.topk(probs, k, sorted=True)
  std::vector<int64_t> ids(V);
  std::iota(ids.begin(), ids.end(), 0);
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(),
                    [p](int64_t a, int64_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::vector<TokenProbability> top;
  for (int64_t i = 0; i < k; ++i) top.push_back({ids[i], p[ids[i]]});
  return top;
}

std::vector<std::vector<FillMaskPrediction>> fill_mask(const bert::BertForMaskedLM& model,
                                                       const tokenizer::BertTokenizer& tokenizer,
                                                       std::string_view text, int64_t top_k) {
  const tokenizer::Encoding encoding = tokenizer(text);
  const std::vector<int64_t> masks = mask_positions(encoding.input_ids, tokenizer.mask_token_id());
  BERT_CHECK(!masks.empty(), "fill_mask: no [MASK] in the text: expected at least one [MASK] token, got \"{}\". "
             "Hint: write [MASK] where the model should guess a word", text);
  NoGradGuard no_grad;  // inference only: record no graph
  const ModelInputs inputs = return_tensors(encoding);
  const Tensor logits = model.forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids).logits;  // [1, S, V]
  std::vector<std::vector<FillMaskPrediction>> predictions;
  for (int64_t position : masks) {
    std::vector<FillMaskPrediction>& row = predictions.emplace_back();
    for (const TokenProbability& top : top_k_probabilities(logits, position, top_k)) {
      std::vector<int64_t> filled = encoding.input_ids;
      filled[position] = top.token;
      // HF hides special tokens for one mask; with several, the other [MASK]s must stay visible.
      const std::string sequence = tokenizer.decode(filled, /*skip_special_tokens=*/masks.size() == 1);
      row.push_back({top.probability, top.token, tokenizer.decode({top.token}), sequence});
    }
  }
  return predictions;
}

}  // namespace bertlab::pipelines
