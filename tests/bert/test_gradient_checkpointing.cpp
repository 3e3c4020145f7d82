// model.gradient_checkpointing_enable(): each BertLayer recomputed in backward. The loss and
// every gradient are the ones of the plain model, bit for bit, dropout on — full fine-tuning
// and LoRA — and only the layer inputs stay in the graph.
#include <catch2/catch.hpp>

#include <map>

#include "bert/for_masked_lm.h"
#include "bert/for_sequence_classification.h"
#include "nn/linear.h"
#include "peft/lora.h"
#include "tensor/autograd.h"
#include "tensor/random.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using namespace bertlab::bert;
using bertlab::testing::tiny_config;

namespace {

using Gradients = std::map<std::string, std::vector<float>>;

Gradients gradients(const nn::Module& model) {
  Gradients out;
  for (const auto& [name, p] : model.named_parameters())
    if (p.requires_grad()) out[name] = p.grad().defined() ? p.grad().to_vector() : std::vector<float>{};
  return out;
}

const IntTensor kIds({3, 17, 9, 41, 2, 0, 5, 8, 13, 21, 34, 1}, {2, 6});
const IntTensor kMask({1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1}, {2, 6});

struct MlmRun {
  float loss;
  Gradients grads;
  std::vector<Tensor> attentions;
  std::string graph;
};

MlmRun mlm_step(bool checkpointing) {
  BertConfig config = tiny_config();  // dropout 0.1 on hidden states and attention probabilities
  config.num_hidden_layers = 3;
  BertForMaskedLM model(config);
  Generator init(11);
  init_bert_weights(model, config.initializer_range, init);
  if (checkpointing) gradient_checkpointing_enable(model);
  model.train();
  default_generator().manual_seed(99);  // the dropout masks
  MaskedLMOutput out = model.forward(kIds, kMask, {}, IntTensor({-100, 17, -100, 41, -100, -100, 5, -100, -100, 21, -100, 1}, {2, 6}),
                                     /*output_hidden_states=*/false, /*output_attentions=*/true);
  MlmRun run{out.loss.item(), {}, out.bert.attentions, to_dot(out.loss)};
  out.loss.backward();
  run.grads = gradients(model);
  return run;
}

}  // namespace

TEST_CASE("gradient checkpointing: BertForMaskedLM's loss and every gradient, bit for bit, dropout on",
          "[bert][checkpointing]") {
  const MlmRun plain = mlm_step(false), checkpointed = mlm_step(true);
  CHECK(checkpointed.loss == plain.loss);
  REQUIRE(checkpointed.grads.size() == plain.grads.size());
  for (const auto& [name, g] : plain.grads) {
    INFO(name);
    CHECK(!g.empty());
    CHECK(checkpointed.grads.at(name) == g);
  }
  // output_attentions still returns each layer's probabilities (the first run's, as numbers).
  REQUIRE(checkpointed.attentions.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(checkpointed.attentions[i].to_vector() == plain.attentions[i].to_vector());
  // What the memory saving is: the graph keeps one checkpoint node per layer, not the layers' ops.
  size_t nodes = 0;
  for (size_t at = checkpointed.graph.find("checkpoint"); at != std::string::npos;
       at = checkpointed.graph.find("checkpoint", at + 1))
    ++nodes;
  CHECK(nodes == 3);
  CHECK(plain.graph.find("softmax") != std::string::npos);
  CHECK(checkpointed.graph.find("softmax") == std::string::npos);
}

TEST_CASE("gradient checkpointing: LoRA on a frozen model gets the adapters' gradients, bit for bit",
          "[bert][checkpointing][lora]") {
  // The embeddings are frozen, so no layer input needs a gradient: the adapters inside the layers
  // must still be reached (what PEFT's enable_input_require_grads is for with reentrant checkpoints).
  auto step = [](bool checkpointing) {
    BertConfig config = tiny_config();
    config.id2label = {"neg", "pos"};
    BertForSequenceClassification model(config);
    Generator init(5);
    init_bert_weights(model, config.initializer_range, init);
    peft::LoraConfig lora;
    lora.r = 2;
    lora.lora_alpha = 4;
    lora.lora_dropout = 0.1;
    lora.target_modules = {"query", "value"};
    lora.task_type = "SEQ_CLS";
    default_generator().manual_seed(3);  // lora_A's initialisation and, below, the dropout masks
    peft::apply_lora(model, lora);
    for (auto& [name, p] : model.named_parameters())  // lora_B = 0 after apply_lora would hide mistakes
      if (name.find("lora_B") != std::string::npos) std::fill_n(p.data(), p.numel(), 0.01f * static_cast<float>(p.numel()));
    if (checkpointing) gradient_checkpointing_enable(model);
    model.train();
    SequenceClassifierOutput out = model.forward(kIds, kMask, {}, IntTensor({1, 0}, {2}));
    out.loss.backward();
    return std::make_pair(out.loss.item(), gradients(model));
  };
  const auto [plain_loss, plain] = step(false);
  const auto [loss, checkpointed] = step(true);
  CHECK(loss == plain_loss);
  REQUIRE(checkpointed.size() == plain.size());
  for (const auto& [name, g] : plain) {
    INFO(name);
    CHECK(!g.empty());
    CHECK(checkpointed.at(name) == g);
  }
}

TEST_CASE("gradient checkpointing: off in eval mode, switched on by an old config's field, refused without an encoder",
          "[bert][checkpointing]") {
  BertConfig config = tiny_config();
  config.gradient_checkpointing = true;  // transformers' old config.json switch
  BertForMaskedLM model(config);
  CHECK(model.bert.encoder.gradient_checkpointing);
  model.eval();
  const MaskedLMOutput out = model.forward(kIds, kMask, {}, IntTensor(std::vector<int64_t>(12, 7), {2, 6}));
  CHECK(to_dot(out.loss).find("checkpoint") == std::string::npos);  // eval: the plain graph
  gradient_checkpointing_enable(model, false);
  CHECK(!model.bert.encoder.gradient_checkpointing);
  nn::Linear linear(4, 4);
  REQUIRE_THROWS_WITH(gradient_checkpointing_enable(linear), Catch::Contains("Linear has no BertEncoder"));
}
