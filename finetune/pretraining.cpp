#include "finetune/pretraining.h"  // defines: masked_lm_loss, pretraining_step, evaluate_mlm

#include <algorithm>
#include <cmath>

#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/error.h"     // defines: BERT_CHECK
#include "tensor/ops.h"       // defines: embedding, reshape, cross_entropy, sum, scale

namespace bertlab::finetune {

namespace {
// The evaluation's masks: a pass of their own, so every evaluation scores the same questions.
constexpr int64_t kEvalEpoch = -1;

MlmBatch masked_batch(const MlmData& data, const std::vector<int64_t>& rows, const std::vector<int64_t>& epochs) {
  std::vector<MaskedExample> masked;
  for (size_t i = 0; i < rows.size(); ++i)
    masked.push_back(mask_tokens(data.examples.at(rows[i]), data.vocab, data.masking,
                                 mask_key(data.seed, epochs[i], rows[i])));
  return collate_mlm(masked, data.vocab.pad_token_id);
}
}  // namespace

MaskedPositionsOutput masked_lm_loss(const bert::BertForMaskedLM& model, const MlmBatch& batch) {
  const Tensor hidden = model.bert.forward(batch.input_ids, batch.attention_mask, batch.token_type_ids)
                            .last_hidden_state;  // [B, S, H]
  const int64_t H = hidden.size(-1);
  MaskedPositionsOutput out;
  std::vector<int64_t> positions;  // flat indices b·S + s of the labelled positions
  for (int64_t p = 0; p < batch.labels.numel(); ++p)
    if (batch.labels.data[p] != -100) positions.push_back(p), out.labels.push_back(batch.labels.data[p]);
  const auto M = static_cast<int64_t>(positions.size());
  if (M == 0) {  // nothing to predict (a short batch can draw no mask): a zero loss, zero gradients
    out.loss = scale(sum(hidden), 0.0f);
    return out;
  }
  // Gather rows: hidden viewed as a table of B·S rows [B·S, H], looked up at the positions, is an
  // embedding lookup; its backward scatters each row's gradient back to its position (the others
  // get zero, exactly what the ignored positions of the full loss give them).
  const Tensor rows = embedding(IntTensor(positions, {M}), reshape(hidden, {-1, H}));  // [M, H]
  out.logits = model.cls.predictions.forward(rows);                                     // [M, V]
  out.loss = cross_entropy(out.logits, IntTensor(out.labels, {M}));
  return out;
}

StepOutput pretraining_step(const bert::BertForMaskedLM& model, const MlmData& data, const std::vector<int64_t>& rows,
                            const std::vector<int64_t>& epochs) {
  BERT_CHECK(epochs.size() == rows.size(), "pretraining_step: expected one epoch per row ({}), got {}", rows.size(),
             epochs.size());
  const MlmBatch batch = masked_batch(data, rows, epochs);
  return {masked_lm_loss(model, batch).loss, batch.num_tokens};
}

std::map<std::string, double> evaluate_mlm(bert::BertForMaskedLM& model, const MlmData& data, int64_t batch_size) {
  BERT_CHECK(!data.examples.empty(), "evaluate_mlm: no evaluation examples. Hint: more text, or a shorter "
             "--max-length (blocks need max_length tokens each)");
  NoGradGuard no_grad;
  model.eval();
  const auto n = static_cast<int64_t>(data.examples.size());
  double weighted_loss = 0.0;
  int64_t correct = 0, predicted = 0;
  for (int64_t begin = 0; begin < n; begin += batch_size) {
    std::vector<int64_t> rows;
    for (int64_t r = begin; r < std::min(n, begin + batch_size); ++r) rows.push_back(r);
    const MaskedPositionsOutput out =
        masked_lm_loss(model, masked_batch(data, rows, std::vector<int64_t>(rows.size(), kEvalEpoch)));
    weighted_loss += out.loss.item() * static_cast<double>(rows.size());
    const int64_t V = out.logits.numel() > 0 ? out.logits.size(-1) : 0;
    for (size_t m = 0; m < out.labels.size(); ++m) {
      const float* row = out.logits.data() + static_cast<int64_t>(m) * V;
      correct += (std::max_element(row, row + V) - row) == out.labels[m];
    }
    predicted += static_cast<int64_t>(out.labels.size());
  }
  const double loss = weighted_loss / static_cast<double>(n);
  return {{"loss", loss},
          {"accuracy", predicted > 0 ? static_cast<double>(correct) / static_cast<double>(predicted) : 0.0},
          {"perplexity", std::exp(loss)}};
}

TokenCounts token_counts(const std::vector<std::vector<int64_t>>& examples, const MlmVocabulary& vocab) {
  TokenCounts tc{std::vector<int64_t>(vocab.size, 0), 0};
  for (const auto& example : examples)
    for (int64_t id : example)
      if (!vocab.special.at(id)) ++tc.counts[id], ++tc.total;
  return tc;
}

double unigram_entropy(const std::vector<std::vector<int64_t>>& examples, const MlmVocabulary& vocab) {
  const TokenCounts tc = token_counts(examples, vocab);
  double entropy = 0.0;
  for (int64_t c : tc.counts)
    if (c > 0) {
      const double p = static_cast<double>(c) / static_cast<double>(tc.total);
      entropy -= p * std::log(p);
    }
  return entropy;
}

}  // namespace bertlab::finetune
