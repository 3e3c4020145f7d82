// Fill-mask, step by step: tokenize -> BertForMaskedLM -> [MASK] positions -> softmax -> top-k.
#include "pipelines/fill_mask.h"  // defines: mask_positions, top_k_probabilities, fill_mask

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
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

std::vector<TokenProbability> top_k_probabilities(const Tensor& logits, int64_t position, int64_t k,
                                                  const std::vector<int64_t>& candidates) {
  BERT_CHECK(logits.dim() == 3 && logits.size(0) == 1,
             "top_k_probabilities: logits of one text: expected [1, S, V], got {}", logits.shape());
  const int64_t S = logits.size(1), V = logits.size(2);
  BERT_CHECK(position >= 0 && position < S, "top_k_probabilities: position out of range: expected 0 <= position < {}, "
             "got {}", S, position);
  std::vector<int64_t> ids = candidates;
  if (ids.empty()) {
    ids.resize(V);
    std::iota(ids.begin(), ids.end(), 0);
  }
  for (int64_t id : ids)
    BERT_CHECK(id >= 0 && id < V, "top_k_probabilities: candidate id out of range: expected 0 <= id < {}, got {}", V, id);
  // HF caps top_k at the number of targets; without targets, k beyond V is a mistake.
  if (!candidates.empty()) k = std::min<int64_t>(k, static_cast<int64_t>(ids.size()));
  BERT_CHECK(k >= 1 && k <= static_cast<int64_t>(ids.size()),
             "top_k_probabilities: bad k: expected 1 <= k <= {} (the vocabulary), got {}", V, k);
  // probs = F.softmax(logits[0, position], dim=-1)
  const Tensor row = reshape(slice(logits, 1, position, position + 1), {V});  // [V]
  const Tensor probs = softmax(row);                                                // [V]
  const float* p = probs.data();
  // top_k_weights, top_k_indices = torch.topk(probs[candidates], k, sorted=True)
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(),
                    [p](int64_t a, int64_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::vector<TokenProbability> top;
  for (int64_t i = 0; i < k; ++i) top.push_back({ids[i], p[ids[i]]});
  return top;
}

std::vector<int64_t> target_ids(const tokenizer::BertTokenizer& tokenizer, const std::vector<std::string>& targets) {
  std::vector<int64_t> ids;
  for (const std::string& target : targets) {
    int64_t id = tokenizer.convert_tokens_to_ids(target);
    if (id == tokenizer.unk_token_id() && target != "[UNK]") {  // not a vocabulary entry: its first wordpiece
      tokenizer::EncodeOptions first;
      first.add_special_tokens = false;
      first.max_length = 1;
      first.truncation = true;
      const std::vector<int64_t> pieces = tokenizer(target, first).input_ids;
      if (pieces.empty()) {
        fmt::print(stderr, "The specified target token `{}` does not exist in the model vocabulary. We cannot "
                           "replace it with anything meaningful, ignoring it\n", target);
        continue;
      }
      id = pieces[0];
      fmt::print(stderr, "The specified target token `{}` does not exist in the model vocabulary. Replacing with `{}`.\n",
                 target, tokenizer.convert_ids_to_tokens(id));
    }
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  BERT_CHECK(!ids.empty(), "fill_mask: targets: at least one target must be provided when passed, got none usable");
  return ids;
}

std::vector<std::vector<FillMaskPrediction>> fill_mask(const bert::BertForMaskedLM& model,
                                                       const tokenizer::BertTokenizer& tokenizer,
                                                       std::string_view text, int64_t top_k,
                                                       const std::vector<std::string>& targets) {
  const tokenizer::Encoding encoding = tokenizer(text);
  const std::vector<int64_t> masks = mask_positions(encoding.input_ids, tokenizer.mask_token_id());
  BERT_CHECK(!masks.empty(), "fill_mask: no [MASK] in the text: expected at least one [MASK] token, got \"{}\". "
             "Hint: write [MASK] where the model should guess a word", text);
  const std::vector<int64_t> candidates = targets.empty() ? std::vector<int64_t>{} : target_ids(tokenizer, targets);
  NoGradGuard no_grad;  // inference only: record no graph
  const ModelInputs inputs = return_tensors(encoding);
  const Tensor hidden = model.bert.forward(inputs.input_ids, inputs.attention_mask, inputs.token_type_ids)
                            .last_hidden_state;  // [1, S, H]
  std::vector<std::vector<FillMaskPrediction>> predictions;
  for (int64_t position : masks) {
    // The MLM head at this position only: [1, 1, H] -> [1, 1, V].
    const Tensor logits = model.cls.predictions.forward(slice(hidden, 1, position, position + 1));
    std::vector<FillMaskPrediction>& row = predictions.emplace_back();
    for (const TokenProbability& top : top_k_probabilities(logits, 0, top_k, candidates)) {
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
