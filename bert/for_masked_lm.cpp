#include "bert/for_masked_lm.h"  // defines: BertPredictionHeadTransform, BertLMPredictionHead, BertForMaskedLM

#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::bert {

Tensor token_cross_entropy(const Tensor& logits, const IntTensor& labels, const char* who) {
  const int64_t K = logits.size(-1);
  const Shape positions(logits.shape().begin(), logits.shape().end() - 1);  // [B, S]
  BERT_CHECK(labels.shape == positions, "{}: expected labels {} like input_ids, got {}", who, positions, labels.shape);
  return cross_entropy(logits.reshape({-1, K}), IntTensor(labels.data, {labels.numel()}));  // [B·S, K] vs [B·S]
}

BertPredictionHeadTransform::BertPredictionHeadTransform(const BertConfig& config)
    : dense(config.hidden_size, config.hidden_size),
      transform_act_fn(config.hidden_act),
      layer_norm(config.hidden_size, static_cast<float>(config.layer_norm_eps)) {
  register_module("dense", dense);
  register_module("transform_act_fn", transform_act_fn);
  register_module("LayerNorm", layer_norm);
}

Tensor BertPredictionHeadTransform::forward(const Tensor& hidden_states) const {
  return layer_norm.forward(transform_act_fn.forward(dense.forward(hidden_states)));  // [B, S, H]
}

BertLMPredictionHead::BertLMPredictionHead(const BertConfig& config)
    : bias(Tensor::zeros({config.vocab_size})),
      transform(config),
      decoder(config.hidden_size, config.vocab_size, /*bias=*/false) {
  register_parameter("bias", bias);
  register_module("transform", transform);
  register_module("decoder", decoder);
  decoder.bias = bias;  // one output bias, reachable under both names as in HF
}

Tensor BertLMPredictionHead::forward(const Tensor& hidden_states) const {
  return decoder.forward(transform.forward(hidden_states));  // [B, S, V]
}

BertForMaskedLM::BertForMaskedLM(const BertConfig& config) : bert(config, /*add_pooling_layer=*/false), cls(config) {
  register_module("bert", bert);
  register_module("cls", cls);
  // Tie the output projection to the input embeddings: the same tensor, trained by both uses.
  cls.predictions.decoder.weight = bert.embeddings.word_embeddings.weight;
}

MaskedLMOutput BertForMaskedLM::forward(const IntTensor& input_ids, const IntTensor& attention_mask,
                                        const IntTensor& token_type_ids, const IntTensor& labels,
                                        bool output_hidden_states, bool output_attentions) const {
  MaskedLMOutput out;
  out.bert = bert.forward(input_ids, attention_mask, token_type_ids, output_hidden_states, output_attentions);
  out.logits = cls.predictions.forward(out.bert.last_hidden_state);  // [B, S, V]
  if (labels.numel() > 0) out.loss = token_cross_entropy(out.logits, labels, "BertForMaskedLM");
  return out;
}

}  // namespace bertlab::bert
