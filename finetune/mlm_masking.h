// The masked-language-model collator: which tokens the model must guess, and what it sees there.
// HF's DataCollatorForLanguageModeling (and, with whole_word_mask, DataCollatorForWholeWordMask):
//   1. choose each token with probability mlm_probability (15%); special tokens and padding never;
//   2. labels = the original id at chosen positions, -100 everywhere else (no loss there);
//   3. a chosen token becomes [MASK] with probability 0.8, else a random vocabulary id with
//      probability 0.1 / 0.2 = 0.5 of the rest, else stays itself (the 80/10/10 of BERT's paper).
// The model cannot tell a kept or random token from a real one, so it must model every position.
//
// Whole-word masking chooses words instead of tokens: a word is a token and the "##" pieces after
// it; the words are shuffled and taken in that order while the total stays within
// round(len * 15%) tokens (a word that would overshoot is skipped), so all pieces of a word are
// masked together. The 80/10/10 step is then per token, as in HF.
//
// HF draws from one global generator; here each example's draws are a function of
// (seed, epoch, example) (mask_key), so every epoch sees fresh masks and a resumed run the same
// ones. The statistics are HF's; the particular masks are not PyTorch's.
// HF (transformers v4.57.6): data/data_collator.py, DataCollatorForLanguageModeling.torch_mask_tokens,
// DataCollatorForWholeWordMask._whole_word_mask and torch_mask_tokens.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"             // defines: IntTensor
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace bertlab::finetune {

struct MlmMaskingOptions {
  double mlm_probability = 0.15;     // the share of tokens to predict
  double mask_replace_prob = 0.8;    // of those, replaced by [MASK]
  double random_replace_prob = 0.1;  // of those, replaced by a random token (the rest stay)
  bool whole_word_mask = false;      // DataCollatorForWholeWordMask
};

// What the collator needs to know about the vocabulary.
struct MlmVocabulary {
  int64_t mask_token_id = 0, pad_token_id = 0;
  int64_t size = 0;                  // random replacements are drawn from [0, size), as len(tokenizer)
  std::vector<bool> special;         // by id: never chosen ([CLS] [SEP] [PAD] [UNK] [MASK], as
                                     // get_special_tokens_mask(already_has_special_tokens=True))
  std::vector<bool> continuation;    // by id: a "##" piece, part of the word before it
  std::vector<bool> word_boundary;   // by id: [CLS] or [SEP], never part of a whole word
  static MlmVocabulary of(const tokenizer::BertTokenizer& tok);
};

// The random key of one example in one epoch: every draw for it is uniform_at(key, i).
uint64_t mask_key(uint64_t seed, int64_t epoch, int64_t example);

struct MaskedExample {
  std::vector<int64_t> input_ids;  // what the model sees
  std::vector<int64_t> labels;     // the original id where chosen, else -100
};
MaskedExample mask_tokens(const std::vector<int64_t>& input_ids, const MlmVocabulary& vocab,
                          const MlmMaskingOptions& options, uint64_t key);

// A batch padded to its longest example: [PAD] ids, attention_mask 0 and labels -100 there.
struct MlmBatch {
  IntTensor input_ids, attention_mask, token_type_ids, labels;  // each [B, S]
  int64_t num_tokens = 0;                                       // non-padding tokens
};
MlmBatch collate_mlm(const std::vector<MaskedExample>& examples, int64_t pad_token_id);

}  // namespace bertlab::finetune
