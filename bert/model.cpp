#include "bert/model.h"  // defines: BertModel, extended_attention_mask, init_bert_weights

#include <limits>

#include "nn/init.h"
#include "tensor/error.h"

namespace bertlab::bert {

Tensor extended_attention_mask(const IntTensor& attention_mask) {
  BERT_CHECK(attention_mask.shape.size() == 2, "attention_mask: expected [B, S], got {}", attention_mask.shape);
  const int64_t B = attention_mask.shape[0], S = attention_mask.shape[1];
  Tensor mask = Tensor::empty({B, 1, 1, S});  // broadcasts over heads and query positions
  for (int64_t i = 0; i < B * S; ++i) {
    const int64_t keep = attention_mask.data[i];
    BERT_CHECK(keep == 0 || keep == 1, "attention_mask: expected 0 or 1, got {} at flat position {}", keep, i);
    // HF's (1 - mask) * torch.finfo(float32).min: finite, so exp(score + min - max) is exactly 0
    // for a dropped key, and a sequence with no key at all gets uniform weights, as in HF.
    mask.data()[i] = keep ? 0.0f : std::numeric_limits<float>::lowest();
  }
  return mask;
}

namespace {
// The config, checked: called in the first member initializer, so that a bad config (too big
// for memory, say) fails before the embeddings and encoder allocate anything.
const BertConfig& validated(const BertConfig& config) {
  config.validate();
  return config;
}
}  // namespace

BertModel::BertModel(const BertConfig& config_, bool add_pooling_layer)
    : config(validated(config_)), embeddings(config), encoder(config) {
  register_module("embeddings", embeddings);
  register_module("encoder", encoder);
  if (add_pooling_layer) {
    pooler = std::make_unique<BertPooler>(config);
    register_module("pooler", *pooler);
  }
}

void BertModel::set_attn_implementation(const std::string& attn_implementation) {
  BertConfig changed = config;
  changed.attn_implementation = attn_implementation;
  changed.validate();
  config = changed;
  for (size_t i = 0; i < encoder.layer.size(); ++i) encoder.layer[i].attention.self.attn_implementation = attn_implementation;
}

BertModelOutput BertModel::forward(const IntTensor& input_ids, const IntTensor& attention_mask,
                                   const IntTensor& token_type_ids, bool output_hidden_states,
                                   bool output_attentions) const {
  BERT_CHECK(input_ids.shape.size() == 2, "bert: expected input_ids [B, S], got {}", input_ids.shape);
  BERT_CHECK(attention_mask.numel() == 0 || attention_mask.shape == input_ids.shape,
             "bert: expected attention_mask {} like input_ids, got {}", input_ids.shape, attention_mask.shape);
  const IntTensor mask = attention_mask.numel() > 0
                             ? attention_mask
                             : IntTensor(std::vector<int64_t>(input_ids.numel(), 1), input_ids.shape);

  BertModelOutput out;
  out.embedding_output = embeddings.forward(input_ids, token_type_ids);  // [B, S, H]
  EncoderOutput encoded = encoder.forward(out.embedding_output, extended_attention_mask(mask),
                                          output_hidden_states, output_attentions);
  out.last_hidden_state = encoded.last_hidden_state;                     // [B, S, H]
  if (pooler) out.pooler_output = pooler->forward(out.last_hidden_state);  // [B, H]
  out.hidden_states = std::move(encoded.hidden_states);
  out.attentions = std::move(encoded.attentions);
  return out;
}

void init_bert_weights(nn::Module& model, double initializer_range, Generator& gen,
                       const std::function<bool(const std::string& param_name)>& selected) {
  const float std = static_cast<float>(initializer_range);
  for (auto& [name, module] : model.named_modules()) {
    auto chosen = [&, prefix = name.empty() ? name : name + "."](const char* param) {
      return !selected || selected(prefix + param);
    };
    if (auto* linear = dynamic_cast<const nn::Linear*>(module)) {
      if (chosen("weight")) nn::init::normal_(linear->weight, 0.0f, std, gen);
      if (linear->bias.defined() && chosen("bias")) nn::init::zeros_(linear->bias);
    } else if (auto* emb = dynamic_cast<const nn::Embedding*>(module); emb && chosen("weight")) {
      nn::init::normal_(emb->weight, 0.0f, std, gen);
      if (emb->padding_idx >= 0) {
        std::fill_n(emb->weight.data() + emb->padding_idx * emb->embedding_dim, emb->embedding_dim, 0.0f);
        emb->weight.bump_version();
      }
    } else if (auto* ln = dynamic_cast<const nn::LayerNorm*>(module)) {
      if (chosen("weight")) nn::init::ones_(ln->weight);
      if (chosen("bias")) nn::init::zeros_(ln->bias);
    }
  }
}

}  // namespace bertlab::bert
