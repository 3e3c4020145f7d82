#include "finetune/mlm_masking.h"  // defines: MlmVocabulary, mask_key, mask_tokens, collate_mlm

#include <algorithm>
#include <cmath>

#include "tensor/error.h"   // defines: BERT_CHECK
#include "tensor/random.h"  // defines: uniform_at

namespace bertlab::finetune {

MlmVocabulary MlmVocabulary::of(const tokenizer::BertTokenizer& tok) {
  MlmVocabulary v;
  v.mask_token_id = tok.mask_token_id();
  v.pad_token_id = tok.pad_token_id();
  v.size = static_cast<int64_t>(tok.vocab().size());
  v.special.assign(v.size, false);
  v.continuation.assign(v.size, false);
  v.word_boundary.assign(v.size, false);
  for (int64_t id : {tok.cls_token_id(), tok.sep_token_id(), tok.pad_token_id(), tok.unk_token_id(), tok.mask_token_id()})
    v.special[id] = true;
  v.word_boundary[tok.cls_token_id()] = v.word_boundary[tok.sep_token_id()] = true;
  for (int64_t id = 0; id < v.size; ++id) v.continuation[id] = tok.convert_ids_to_tokens(id).rfind("##", 0) == 0;
  return v;
}

namespace {
uint64_t splitmix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

// The draws of position i: four numbers of the example's stream each, so adding a position
// changes no other position's draws.
enum Draw : uint64_t { kChoose = 0, kReplaceByMask = 1, kReplaceByRandom = 2, kRandomWord = 3, kDraws = 4 };
float draw(uint64_t key, size_t i, Draw which) { return uniform_at(key, kDraws * i + which); }

// The positions whole-word masking chooses: HF's _whole_word_mask. Candidates are words (a token
// and the "##" tokens after it; [CLS] and [SEP] are never part of one), shuffled; a word is taken
// while the tokens taken stay within num_to_predict.
std::vector<bool> whole_word_choice(const std::vector<int64_t>& ids, const MlmVocabulary& vocab,
                                    const MlmMaskingOptions& options, uint64_t key) {
  std::vector<std::vector<size_t>> words;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (vocab.word_boundary[ids[i]]) continue;
    if (!words.empty() && vocab.continuation[ids[i]]) words.back().push_back(i);
    else words.push_back({i});
  }
  // random.shuffle (Fisher–Yates from the back), on a stream of its own.
  const uint64_t shuffle_key = splitmix64(key ^ 0x5157u);
  for (size_t i = words.size(); i-- > 1;) {
    const auto j = std::min<size_t>(i, static_cast<size_t>(uniform_at(shuffle_key, i) * static_cast<float>(i + 1)));
    std::swap(words[i], words[j]);
  }
  // num_to_predict = min(512, max(1, int(round(len(input_tokens) * mlm_probability))))
  const auto num_to_predict = std::min<size_t>(
      512, std::max<size_t>(1, static_cast<size_t>(std::nearbyint(static_cast<double>(ids.size()) * options.mlm_probability))));
  std::vector<bool> chosen(ids.size(), false);
  size_t taken = 0;
  for (const auto& word : words) {
    if (taken >= num_to_predict) break;
    if (taken + word.size() > num_to_predict) continue;  // would overshoot: try a shorter word
    for (size_t i : word) chosen[i] = true;
    taken += word.size();
  }
  return chosen;
}
}  // namespace

uint64_t mask_key(uint64_t seed, int64_t epoch, int64_t example) {
  return splitmix64(splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(epoch)) ^ static_cast<uint64_t>(example));
}

MaskedExample mask_tokens(const std::vector<int64_t>& input_ids, const MlmVocabulary& vocab,
                          const MlmMaskingOptions& options, uint64_t key) {
  BERT_CHECK(options.mlm_probability > 0 && options.mlm_probability <= 1, "mask_tokens: mlm_probability: expected a "
             "probability in (0, 1], got {}", options.mlm_probability);
  BERT_CHECK(options.mask_replace_prob >= 0 && options.random_replace_prob >= 0 &&
                 options.mask_replace_prob + options.random_replace_prob <= 1,
             "mask_tokens: mask_replace_prob {} and random_replace_prob {}: expected probabilities adding up to at "
             "most 1", options.mask_replace_prob, options.random_replace_prob);
  for (int64_t id : input_ids)
    BERT_CHECK(id >= 0 && id < vocab.size, "mask_tokens: token id out of range: expected 0 <= id < {} (the "
               "vocabulary), got {}", vocab.size, id);
  // probability_matrix.masked_fill_(special_tokens_mask, 0); masked_indices = bernoulli(...)
  std::vector<bool> chosen = options.whole_word_mask ? whole_word_choice(input_ids, vocab, options, key)
                                                     : std::vector<bool>(input_ids.size(), false);
  // Of the chosen tokens not replaced by [MASK], the share that gets a random token: 0.1 / 0.2.
  const double random_share =
      options.mask_replace_prob < 1 ? options.random_replace_prob / (1.0 - options.mask_replace_prob) : 0.0;
  MaskedExample out{input_ids, std::vector<int64_t>(input_ids.size(), -100)};
  for (size_t i = 0; i < input_ids.size(); ++i) {
    if (!options.whole_word_mask) chosen[i] = draw(key, i, kChoose) < options.mlm_probability;
    if (!chosen[i] || vocab.special[input_ids[i]]) continue;  // special tokens and [PAD] never
    out.labels[i] = input_ids[i];
    if (draw(key, i, kReplaceByMask) < options.mask_replace_prob) {
      out.input_ids[i] = vocab.mask_token_id;
    } else if (draw(key, i, kReplaceByRandom) < random_share) {
      out.input_ids[i] = std::min(vocab.size - 1, static_cast<int64_t>(draw(key, i, kRandomWord) *
                                                                        static_cast<float>(vocab.size)));
    }  // else: the token stays itself
  }
  return out;
}

MlmBatch collate_mlm(const std::vector<MaskedExample>& examples, int64_t pad_token_id) {
  BERT_CHECK(!examples.empty(), "collate_mlm: expected at least one example, got none");
  size_t S = 0;
  for (const MaskedExample& e : examples) S = std::max(S, e.input_ids.size());
  const auto B = static_cast<int64_t>(examples.size());
  MlmBatch batch;
  std::vector<int64_t> ids(B * S, pad_token_id), mask(B * S, 0), labels(B * S, -100);
  for (int64_t b = 0; b < B; ++b) {
    const MaskedExample& e = examples[b];
    std::copy(e.input_ids.begin(), e.input_ids.end(), ids.begin() + b * S);
    std::copy(e.labels.begin(), e.labels.end(), labels.begin() + b * S);
    std::fill_n(mask.begin() + b * S, e.input_ids.size(), 1);
    batch.num_tokens += static_cast<int64_t>(e.input_ids.size());
  }
  const Shape shape{B, static_cast<int64_t>(S)};
  batch.input_ids = IntTensor(ids, shape);
  batch.attention_mask = IntTensor(mask, shape);
  batch.token_type_ids = IntTensor(std::vector<int64_t>(B * S, 0), shape);
  batch.labels = IntTensor(labels, shape);
  return batch;
}

}  // namespace bertlab::finetune
