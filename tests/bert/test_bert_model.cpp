// BERT assembled from its modules: names, sizes, printing and the masking rule, with random
// weights. Parity with HuggingFace on real weights is in test_bert_golden.cpp.
#include <catch2/catch.hpp>

#include <sstream>

#include "bert/for_masked_lm.h"
#include "bert/for_question_answering.h"
#include "bert/for_sequence_classification.h"
#include "tensor/ops.h"
#include "tests/support/all_close.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using namespace bertlab::bert;
using bertlab::testing::AllClose;
using bertlab::testing::tiny_config;

TEST_CASE("BertModel: bert-base-uncased has 109482240 parameters and prints its embeddings as the lab did",
          "[bert][lab02][slow]") {
  BertModel model(BertConfig{});  // the defaults are bert-base-uncased's
  CHECK(model.num_parameters() == 109482240);
  std::ostringstream printed;
  printed << model.embeddings;
  CHECK(printed.str() ==
        "BertEmbeddings(\n"
        "  (word_embeddings): Embedding(30522, 768, padding_idx=0)\n"
        "  (position_embeddings): Embedding(512, 768)\n"
        "  (token_type_embeddings): Embedding(2, 768)\n"
        "  (LayerNorm): LayerNorm((768,), eps=1e-12, elementwise_affine=True)\n"
        "  (dropout): Dropout(p=0.1, inplace=False)\n"
        ")");
  model.eval();
  std::vector<int64_t> ids(26, 1000);
  BertModelOutput out = model.forward(IntTensor(ids, {1, 26}));
  CHECK(out.last_hidden_state.shape() == Shape{1, 26, 768});
  CHECK(out.pooler_output.shape() == Shape{1, 768});
}

TEST_CASE("BertModel: parameter names are HuggingFace's state_dict keys", "[bert]") {
  BertForMaskedLM model(tiny_config());
  const auto params = model.named_parameters();
  CHECK(params.front().first == "bert.embeddings.word_embeddings.weight");
  CHECK(params[5].first == "bert.encoder.layer.0.attention.self.query.weight");
  CHECK(params.back().first == "cls.predictions.transform.LayerNorm.bias");
  // the decoder weight is the word-embedding table, so it is not listed a second time
  for (auto& [name, p] : params) CHECK(name != "cls.predictions.decoder.weight");
  CHECK(model.cls.predictions.decoder.weight.data() == model.bert.embeddings.word_embeddings.weight.data());
}

TEST_CASE("BertModel: padding does not leak into real tokens", "[bert]") {
  BertModel model(tiny_config());
  model.eval();
  // The same 3 tokens alone, and followed by 2 padding positions with different ids.
  BertModelOutput alone = model.forward(IntTensor({5, 6, 7}, {1, 3}));
  BertModelOutput padded = model.forward(IntTensor({5, 6, 7, 0, 9}, {1, 5}), IntTensor({1, 1, 1, 0, 0}, {1, 5}));
  CHECK_THAT(slice(padded.last_hidden_state, 1, 0, 3), AllClose(alone.last_hidden_state, 1e-6, 1e-5));
  CHECK_THAT(padded.pooler_output, AllClose(alone.pooler_output, 1e-6, 1e-5));
}

TEST_CASE("BertModel: an all-padding sequence attends uniformly, as HF's finite mask makes it", "[bert]") {
  BertModel model(tiny_config());
  model.eval();
  BertModelOutput out = model.forward(IntTensor({5, 6, 7, 0, 0, 0}, {2, 3}), IntTensor({1, 1, 0, 0, 0, 0}, {2, 3}),
                                      {}, false, true);
  const float* probs = out.attentions[0].data();  // [2, 2, 3, 3]: sequence 1 starts at 2·3·3
  for (int64_t i = 0; i < 18; ++i) CHECK(probs[18 + i] == Approx(1.0 / 3.0));
  for (int64_t row = 0; row < 6; ++row) CHECK(probs[row * 3 + 2] == 0.0f);  // sequence 0's padding key
}

TEST_CASE("BertModel: eager attention (the composed ops) gives the fused sdpa path's bits", "[bert]") {
  BertConfig config = tiny_config();
  BertModel model(config);
  model.eval();
  const IntTensor ids({5, 6, 7, 8, 9, 0}, {2, 3}), mask({1, 1, 1, 1, 1, 0}, {2, 3});
  BertModelOutput sdpa = model.forward(ids, mask, {}, false, true);
  model.set_attn_implementation("eager");
  CHECK(model.encoder.layer[1].attention.self.attn_implementation == "eager");
  BertModelOutput eager = model.forward(ids, mask, {}, false, true);
  CHECK(eager.last_hidden_state.to_vector() == sdpa.last_hidden_state.to_vector());
  CHECK(eager.attentions[1].to_vector() == sdpa.attentions[1].to_vector());
  CHECK_THROWS_WITH(model.set_attn_implementation("flash"), Catch::Contains("attn_implementation"));
}

TEST_CASE("BertModel: hidden states and attentions on request", "[bert]") {
  BertModel model(tiny_config());
  BertModelOutput out = model.forward(IntTensor({1, 2, 3, 4}, {2, 2}), {}, {}, true, true);
  REQUIRE(out.hidden_states.size() == 3);
  REQUIRE(out.attentions.size() == 2);
  CHECK(out.attentions[1].shape() == Shape{2, 2, 2, 2});
  CHECK(out.hidden_states[2].data() == out.last_hidden_state.data());
}

TEST_CASE("BertModel: bad inputs are clear errors", "[bert]") {
  BertModel model(tiny_config());
  REQUIRE_THROWS_WITH(model.forward(IntTensor({1, 2, 99}, {1, 3})), Catch::Contains("id out of range"));
  REQUIRE_THROWS_WITH(model.forward(IntTensor(std::vector<int64_t>(17, 1), {1, 17})),
                      Catch::Contains("at most 16 tokens"));
  REQUIRE_THROWS_WITH(model.forward(IntTensor({1, 2}, {1, 2}), IntTensor({1, 1, 1}, {1, 3})),
                      Catch::Contains("attention_mask"));
  BertConfig bad = tiny_config();
  bad.num_attention_heads = 3;
  REQUIRE_THROWS_WITH(BertModel(bad), Catch::Contains("multiple of num_attention_heads"));
}

TEST_CASE("Bert heads: logits shapes and losses", "[bert]") {
  BertConfig config = tiny_config();
  config.id2label = {"a", "b", "c"};
  const IntTensor ids({1, 2, 3, 4, 5, 6}, {2, 3});
  BertForMaskedLM mlm(config);
  MaskedLMOutput m = mlm.forward(ids, {}, {}, IntTensor({-100, 7, -100, -100, -100, 9}, {2, 3}));
  CHECK(m.logits.shape() == Shape{2, 3, 50});
  CHECK(m.loss.item() > 0.0f);
  BertForSequenceClassification cls(config);
  SequenceClassifierOutput c = cls.forward(ids, {}, {}, IntTensor({0, 2}, {2}));
  CHECK(c.logits.shape() == Shape{2, 3});
  BertForQuestionAnswering qa(config);
  QuestionAnsweringModelOutput q = qa.forward(ids, {}, {}, IntTensor({1, 0}, {2}), IntTensor({2, 9}, {2}));
  CHECK(q.start_logits.shape() == Shape{2, 3});
  CHECK(std::isfinite(q.loss.item()));
}
