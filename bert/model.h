// BertModel: embeddings -> encoder -> pooler. The bare BERT, outputting hidden states.
//
//   BertModel model(config);                    // or BertModel::from_pretrained(folder)
//   BertModelOutput out = model.forward(input_ids, attention_mask, token_type_ids);
//   out.last_hidden_state   [B, S, H]   one vector per token
//   out.pooler_output       [B, H]      one vector per input
// Shapes: B batch, S sequence, H hidden, N heads, L layers.
// attention_mask [B, S]: 1 = a real token, 0 = padding. Padding never influences real tokens:
// the mask becomes -inf on padded keys, so their attention probability is exactly 0.
// HF (transformers v4.40.0):
//   BertModel: https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/modeling_bert.py#L840
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bert/embeddings.h"
#include "bert/encoder.h"
#include "bert/pooler.h"

namespace bertlab::bert {

struct BertModelOutput {
  Tensor embedding_output;            // [B, S, H]
  Tensor last_hidden_state;           // [B, S, H]
  Tensor pooler_output;               // [B, H]; undefined without a pooler
  std::vector<Tensor> hidden_states;  // L + 1 tensors, when output_hidden_states
  std::vector<Tensor> attentions;     // L tensors [B, N, S, S], when output_attentions
};

// HF's extended attention mask: [B, S] of 1/0 -> additive [B, 1, 1, S] of 0/-inf.
Tensor extended_attention_mask(const IntTensor& attention_mask);

class BertModel : public nn::Module {
 public:
  explicit BertModel(const BertConfig& config, bool add_pooling_layer = true);
  // attention_mask and token_type_ids may be empty: all ones / all zeros, as in HF.
  BertModelOutput forward(const IntTensor& input_ids, const IntTensor& attention_mask = {},
                          const IntTensor& token_type_ids = {}, bool output_hidden_states = false,
                          bool output_attentions = false) const;
  std::string type_name() const override { return "BertModel"; }

  // HF's model.set_attn_implementation: "eager" runs the composed attention ops a learner reads,
  // "sdpa" the fused inference kernel; the numbers are the same (see nn/multi_head_attention.h).
  void set_attn_implementation(const std::string& attn_implementation);

  BertConfig config;
  BertEmbeddings embeddings;
  BertEncoder encoder;
  std::unique_ptr<BertPooler> pooler;  // null when add_pooling_layer = false
};

// HF's _init_weights on every submodule: Linear and Embedding weights ~ N(0, initializer_range),
// biases 0, the padding row 0, LayerNorm weight 1 and bias 0.
// `selected` (optional) picks parameters by dotted name, e.g. those a checkpoint lacks.
void init_bert_weights(nn::Module& model, double initializer_range, Generator& gen,
                       const std::function<bool(const std::string& param_name)>& selected = nullptr);

}  // namespace bertlab::bert
