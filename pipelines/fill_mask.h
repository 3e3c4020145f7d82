// Fill-mask: what BERT thinks belongs where a text says [MASK], as HF's FillMaskPipeline.
//
//   auto predictions = fill_mask(*model, tokenizer, "The [MASK] lay open on the table, its pages "
//                                "fluttering in the breeze", 5);
//   predictions[0][0]  ->  {score 0.646765, token 2338, token_str "book", sequence "the book lay
//                           open on the table, its pages fluttering in the breeze"}  (bert-base-uncased)
// Steps: tokenize, run the BERT encoder, find every [MASK] position, run the MLM head there only
// (the other positions' [S, V] logits would be thrown away), softmax over the vocabulary, keep
// the k most probable tokens — or, with targets, the k most probable of those words. The lab
// (cells In[16]..In[18]) does the middle steps by hand on the full logits.
// Shapes: S sequence, V vocab.
// HF (transformers v4.40.0): FillMaskPipeline.postprocess,
//   https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/pipelines/fill_mask.py#L131
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bert/for_masked_lm.h"         // defines: BertForMaskedLM
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace bertlab::pipelines {

// Where input_ids holds mask_token_id, in order: torch.where(input_ids == 103) in the lab.
std::vector<int64_t> mask_positions(const std::vector<int64_t>& input_ids, int64_t mask_token_id);

struct TokenProbability {
  int64_t token;      // vocabulary id
  float probability;  // softmax over the whole vocabulary
};

// softmax(logits[0, position]) and its k largest entries, most probable first (torch.topk).
// logits [1, S, V]; ties keep the smaller id first. With candidates, only those ids compete
// (their probabilities still over the whole vocabulary) and k is capped at their number.
std::vector<TokenProbability> top_k_probabilities(const Tensor& logits, int64_t position, int64_t k,
                                                  const std::vector<int64_t>& candidates = {});

// HF's FillMaskPipeline.get_target_ids: each target word's id; a word not in the vocabulary is
// replaced by its first wordpiece, with transformers' warning on stderr ("The specified target
// token `x` does not exist in the model vocabulary. Replacing with `y`."). Sorted, no repeats;
// an error when no target is left.
std::vector<int64_t> target_ids(const tokenizer::BertTokenizer& tokenizer, const std::vector<std::string>& targets);

// One proposal for one [MASK], with HF's four fields.
struct FillMaskPrediction {
  float score;            // probability
  int64_t token;          // id
  std::string token_str;  // tokenizer.decode([token])
  std::string sequence;   // the text with this token in place of the [MASK]
};

// For each [MASK] in `text` (in order) its top_k predictions, as pipeline("fill-mask")(text,
// top_k=..., targets=...) returns them (one list per [MASK]). With one [MASK], `sequence` is
// decoded without special tokens; with several, the other [MASK]s (and [CLS]/[SEP]) stay
// visible, as in HF. Throws bertlab::Error when the text has no [MASK].
std::vector<std::vector<FillMaskPrediction>> fill_mask(const bert::BertForMaskedLM& model,
                                                       const tokenizer::BertTokenizer& tokenizer,
                                                       std::string_view text, int64_t top_k = 5,
                                                       const std::vector<std::string>& targets = {});

}  // namespace bertlab::pipelines
