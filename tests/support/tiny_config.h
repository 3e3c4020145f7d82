// tiny_config(): a BertConfig small enough for unit tests with random weights
// (hidden 8, 2 layers of 2 heads, intermediate 16, vocabulary 50, 16 positions).
#pragma once

#include "bert/config.h"  // defines: BertConfig

namespace bertlab::testing {

inline bert::BertConfig tiny_config() {
  bert::BertConfig c;
  c.vocab_size = 50;
  c.hidden_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 16;
  c.max_position_embeddings = 16;
  return c;
}

}  // namespace bertlab::testing
