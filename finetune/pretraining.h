// Pretraining a BertForMaskedLM from scratch: the loss of a masked batch, computed where it is
// needed, and the evaluation run_mlm.py reports (eval_loss, eval_accuracy, perplexity).
//
//   finetune::MlmData data{train_examples, MlmVocabulary::of(tok), {}, args.seed};
//   Trainer trainer(model, args, data.examples.size(), [&](const auto& rows) {
//     return pretraining_step(model, data, rows, trainer.micro_batch_epochs()); });
//
// Only ~15% of the positions carry a label, and only there is the MLM head needed: the head's
// decoder ([H] -> [V], V ≈ 30k) costs about as much as a whole encoder layer at each position it
// runs, so masked_lm_loss gathers the hidden states of the labelled positions first
// ([B, S, H] -> [M, H], M ≈ 0.15·B·S) and runs the head on those rows only. The loss is
// exactly BertForMaskedLM's: cross-entropy ignores the -100 positions anyway, so leaving them
// out changes neither the value nor any gradient (tests/finetune/test_pretraining.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bert/for_masked_lm.h"    // defines: BertForMaskedLM
#include "finetune/mlm_masking.h"  // defines: MlmBatch, MlmVocabulary, MlmMaskingOptions
#include "finetune/trainer.h"      // defines: StepOutput

namespace bertlab::finetune {

// The MLM head at the labelled positions only.
struct MaskedPositionsOutput {
  Tensor loss;                  // [] mean cross-entropy over the labelled positions
  Tensor logits;                // [M, V], one row per labelled position, in [B, S] order
  std::vector<int64_t> labels;  // [M], the ids to predict there
};
MaskedPositionsOutput masked_lm_loss(const bert::BertForMaskedLM& model, const MlmBatch& batch);

// The examples (token ids) and how they are masked.
struct MlmData {
  std::vector<std::vector<int64_t>> examples;
  MlmVocabulary vocab;
  MlmMaskingOptions masking;
  uint64_t seed = 42;
};

// The loss of examples `rows`, each masked afresh for its epoch (Trainer::micro_batch_epochs).
StepOutput pretraining_step(const bert::BertForMaskedLM& model, const MlmData& data, const std::vector<int64_t>& rows,
                            const std::vector<int64_t>& epochs);

// run_mlm.py's evaluation, in eval mode without autograd: {"loss" (the Trainer's: the mean of
// batch losses weighted by batch size), "accuracy" (of the argmax at the masked tokens),
// "perplexity" (exp(loss))}. Every evaluation uses the same masks (an epoch of its own).
std::map<std::string, double> evaluate_mlm(bert::BertForMaskedLM& model, const MlmData& data, int64_t batch_size = 16);

// How often each non-special token occurs in the examples: counts[id], and their sum.
struct TokenCounts {
  std::vector<int64_t> counts;
  int64_t total = 0;
};
TokenCounts token_counts(const std::vector<std::vector<int64_t>>& examples, const MlmVocabulary& vocab);

// The loss of the best model that ignores context: the entropy -Σ p(t)·ln p(t) of the
// non-special tokens' frequencies p(t) in the examples (in nats, like the cross-entropy). A
// model that learned nothing but word frequencies stops here; anything below it is context.
double unigram_entropy(const std::vector<std::vector<int64_t>>& examples, const MlmVocabulary& vocab);

}  // namespace bertlab::finetune
