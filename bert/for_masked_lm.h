// BertForMaskedLM: BERT with the masked-language-model head that fills in [MASK] tokens.
//
//   logits = decoder(LayerNorm(act(dense(last_hidden_state)))) + bias      [B, S, V]
// The decoder's weight IS the word-embedding table (tied, [V, H]): a token's output score is
// the dot product of the transformed hidden state with that token's input embedding.
// Loss with labels [B, S]: cross-entropy over positions whose label is not -100.
// Shapes: B batch, S sequence, H hidden, V vocab.
// HF (transformers v4.40.0):
//   BertPredictionHeadTransform: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L639
//   BertLMPredictionHead: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L656
//   BertOnlyMLMHead: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L676
//   BertForMaskedLM: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L1279
#pragma once

#include "bert/model.h"  // defines: BertModel

namespace bertlab::bert {

class BertPredictionHeadTransform : public nn::Module {
 public:
  explicit BertPredictionHeadTransform(const BertConfig& config);
  Tensor forward(const Tensor& hidden_states) const;  // [B, S, H] -> [B, S, H]
  std::string type_name() const override { return "BertPredictionHeadTransform"; }

  nn::Linear dense;
  nn::Activation transform_act_fn;
  nn::LayerNorm layer_norm;  // "LayerNorm"
};

class BertLMPredictionHead : public nn::Module {
 public:
  explicit BertLMPredictionHead(const BertConfig& config);
  Tensor forward(const Tensor& hidden_states) const;  // [B, S, H] -> [B, S, V]
  std::string type_name() const override { return "BertLMPredictionHead"; }

  Tensor bias;  // [V], registered first, as HF's nn.Parameter; decoder.bias is the same tensor
  BertPredictionHeadTransform transform;
  nn::Linear decoder;  // weight tied to the word embeddings by BertForMaskedLM
};

class BertOnlyMLMHead : public nn::Module {
 public:
  explicit BertOnlyMLMHead(const BertConfig& config) : predictions(config) {
    register_module("predictions", predictions);
  }
  std::string type_name() const override { return "BertOnlyMLMHead"; }

  BertLMPredictionHead predictions;
};

// The loss of every per-token head: cross-entropy over all B·S positions whose label is not -100.
//   logits [B, S, K], labels [B, S] -> []     (K = V for the MLM head, num_labels for token-cls)
// `who` names the model in the error when the shapes disagree.
Tensor token_cross_entropy(const Tensor& logits, const IntTensor& labels, const char* who);

struct MaskedLMOutput {
  Tensor loss;    // [] when labels were given
  Tensor logits;  // [B, S, V]
  BertModelOutput bert;
};

class BertForMaskedLM : public nn::Module {
 public:
  explicit BertForMaskedLM(const BertConfig& config);
  // labels [B, S]: the token to predict, or -100 to ignore the position (may be empty).
  MaskedLMOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                         const IntTensor& token_type_ids = {}, const IntTensor& labels = {},
                         bool output_hidden_states = false, bool output_attentions = false) const;
  std::string type_name() const override { return "BertForMaskedLM"; }

  BertModel bert;  // no pooler, as in HF
  BertOnlyMLMHead cls;
};

}  // namespace bertlab::bert
