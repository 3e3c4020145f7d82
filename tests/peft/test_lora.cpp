// peft/lora.h on randomly initialised models: which modules a config adapts, what is frozen,
// the parameter count line, merging, PEFT's adapter keys and the errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "bert/for_sequence_classification.h"
#include "peft/lora.h"
#include "bert/model.h"
#include "tensor/ops.h"
#include "tensor/safetensors.h"
#include "tests/support/all_close.h"
#include "tests/support/tiny_config.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::peft;
using bertlab::testing::AllClose;
using bertlab::testing::tiny_config;
namespace fs = std::filesystem;

namespace {
LoraConfig lora_config(std::vector<std::string> targets, int64_t r = 2) {
  LoraConfig c;
  c.r = r;
  c.lora_alpha = 4;
  c.target_modules = std::move(targets);
  return c;
}

// Gives every lora_B a random value (B = 0 after apply_lora would hide mistakes).
void randomize_lora_B(nn::Module& model, uint64_t seed) {
  Generator gen(seed);
  for (auto& [name, p] : model.named_parameters())
    if (name.find("lora_B") != std::string::npos) {
      p.copy_(Tensor::randn(p.shape(), gen));
    }
}

std::vector<std::string> trainable_names(const nn::Module& model) {
  std::vector<std::string> out;
  for (auto& [name, p] : model.named_parameters())
    if (p.requires_grad()) out.push_back(name);
  return out;
}
}  // namespace

TEST_CASE("matches_target: PEFT's suffix rule", "[bert][lora]") {
  CHECK(matches_target("encoder.layer.0.attention.self.query", "query"));
  CHECK(matches_target("query", "query"));
  CHECK(matches_target("encoder.layer.0.attention.output.dense", "attention.output.dense"));
  CHECK(matches_target("encoder.layer.0.attention.output.dense", "dense"));
  CHECK_FALSE(matches_target("encoder.layer.0.output.dense", "attention.output.dense"));
  CHECK_FALSE(matches_target("encoder.layer.0.attention.self.myquery", "query"));  // not at a dot
  CHECK_FALSE(matches_target("encoder.layer.0.attention.self.query", "self"));     // only suffixes
}

TEST_CASE("apply_lora: adapts the targets under PEFT's names and freezes the rest", "[bert][lora]") {
  BertModel model(tiny_config());
  apply_lora(model, lora_config({"query", "value"}));
  const std::vector<std::string> want = {
      "encoder.layer.0.attention.self.query.lora_A.default.weight",
      "encoder.layer.0.attention.self.query.lora_B.default.weight",
      "encoder.layer.0.attention.self.value.lora_A.default.weight",
      "encoder.layer.0.attention.self.value.lora_B.default.weight",
      "encoder.layer.1.attention.self.query.lora_A.default.weight",
      "encoder.layer.1.attention.self.query.lora_B.default.weight",
      "encoder.layer.1.attention.self.value.lora_A.default.weight",
      "encoder.layer.1.attention.self.value.lora_B.default.weight"};
  CHECK(trainable_names(model) == want);
  const auto params = model.named_parameters();
  auto has = [&](const std::string& n) {
    return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == n; });
  };
  CHECK(has("encoder.layer.0.attention.self.query.base_layer.weight"));
  CHECK(has("encoder.layer.0.attention.self.key.weight"));  // not targeted: unchanged name
  CHECK_FALSE(has("encoder.layer.0.attention.self.query.weight"));
  CHECK(lora_modules(model).size() == 4);
  CHECK(lora_modules(model)[0].first == "encoder.layer.0.attention.self.query");
}

TEST_CASE("apply_lora: the adapted model prints PEFT's lora.Linear", "[bert][lora]") {
  BertModel model(tiny_config());
  apply_lora(model, lora_config({"encoder.layer.1.attention.self.key"}));
  const std::string printed = nn::to_string(model.encoder);
  CHECK_THAT(printed, Catch::Contains("(key): lora.Linear(\n"
                                      "            (base_layer): Linear(in_features=8, out_features=8, bias=True)\n"
                                      "            (lora_dropout): ModuleDict(\n"));
  CHECK(lora_modules(model).size() == 1);  // layer 0's key does not end with the full target
}

TEST_CASE("print_trainable_parameters: PEFT's line for bert-base with r=8 on query, value",
          "[bert][lora][slow]") {
  BertModel model(BertConfig{});  // bert-base-uncased's shapes
  LoraConfig config = lora_config({"query", "value"}, 8);
  apply_lora(model, config);
  // What PEFT prints for get_peft_model(BertModel bert-base-uncased, LoraConfig(r=8, target_modules=
  // ["query", "value"])): 12 layers · 2 modules · (8·768 + 768·8) = 294,912 trainable.
  CHECK(print_trainable_parameters(model) ==
        "trainable params: 294,912 || all params: 109,777,152 || trainable%: 0.2686");
}

TEST_CASE("apply_lora: a fresh adapter (B = 0) leaves the outputs unchanged", "[bert][lora]") {
  BertModel model(tiny_config());
  model.eval();
  const IntTensor ids({1, 5, 7, 2, 0, 3}, {2, 3});
  const Tensor before = model.forward(ids).last_hidden_state;
  apply_lora(model, lora_config({"query", "value", "dense"}));
  CHECK_FALSE(model.encoder.layer[0].attention.self.query.lora->is_training());  // eval carries over
  CHECK_THAT(model.forward(ids).last_hidden_state, AllClose(before, 0.0, 0.0));
}

TEST_CASE("merge_and_unload: same outputs, plain Linears, W + scaling·B·A", "[bert][lora]") {
  BertModel model(tiny_config());
  model.eval();
  std::vector<std::string> plain_names;
  for (auto& [name, p] : model.named_parameters()) plain_names.push_back(name);
  const Tensor w0 = model.encoder.layer[1].intermediate.dense.weight.clone();  // [16, 8]
  apply_lora(model, lora_config({"intermediate.dense", "key"}, 3));
  randomize_lora_B(model, 11);
  const nn::LoRALinear& lora = *model.encoder.layer[1].intermediate.dense.lora;
  const Tensor A = lora.A().weight.clone(), B = lora.B().weight.clone();  // [3, 8], [16, 3]
  const IntTensor ids({1, 5, 7, 2, 0, 3}, {2, 3});
  const Tensor adapted = model.forward(ids).last_hidden_state;

  merge_and_unload(model);
  std::vector<std::string> names;
  for (auto& [name, p] : model.named_parameters()) names.push_back(name);
  CHECK(names == plain_names);
  CHECK(lora_modules(model).empty());
  CHECK_FALSE(model.encoder.layer[1].intermediate.dense.lora);
  CHECK_THAT(model.forward(ids).last_hidden_state, AllClose(adapted, 1e-5, 1e-5));
  Tensor want = Tensor::zeros({16, 8});  // W + (4 / 3)·B·A by hand
  for (int64_t o = 0; o < 16; ++o)
    for (int64_t i = 0; i < 8; ++i) {
      double d = 0.0;
      for (int64_t k = 0; k < 3; ++k) d += double(B.data()[o * 3 + k]) * A.data()[k * 8 + i];
      want.data()[o * 8 + i] = static_cast<float>(w0.data()[o * 8 + i] + d * 4.0 / 3.0);
    }
  CHECK_THAT(model.encoder.layer[1].intermediate.dense.weight, AllClose(want, 1e-6, 0.0));
}

TEST_CASE("apply_lora: modules_to_save stay trainable and are saved under PEFT's keys", "[bert][lora]") {
  BertConfig cfg = tiny_config();
  BertForSequenceClassification model(cfg);
  LoraConfig config = lora_config({"query"});
  config.modules_to_save = {"classifier"};
  apply_lora(model, config);
  CHECK(trainable_names(model).size() == 2 * 2 + 2);  // 2 layers · (A, B) + classifier weight, bias
  const auto keys = adapter_state_dict(model, config);
  CHECK(keys.count("base_model.model.classifier.weight") == 1);
  CHECK(keys.count("base_model.model.classifier.bias") == 1);
  CHECK(keys.count("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight") == 1);
  CHECK(keys.size() == 6);

  // PEFT's task type SEQ_CLS trains and saves the classifier without being told
  BertForSequenceClassification by_task(cfg);
  LoraConfig seq_cls = lora_config({"query"});
  seq_cls.task_type = "SEQ_CLS";
  apply_lora(by_task, seq_cls);
  CHECK(by_task.classifier.weight.requires_grad());
  CHECK(adapter_state_dict(by_task, seq_cls).size() == 6);
}

TEST_CASE("apply_lora: errors name the problem as PEFT does", "[bert][lora]") {
  BertModel model(tiny_config());
  CHECK_THROWS_WITH(apply_lora(model, lora_config({"query", "q_proj"})),
                    Catch::Contains("Target modules {'q_proj'} not found in the base model"));
  BertModel other(tiny_config());
  CHECK_THROWS_WITH(apply_lora(other, lora_config({"attention"})),
                    Catch::Contains("target module encoder.layer.0.attention is a BertAttention: only Linear"));
  BertModel twice(tiny_config());
  apply_lora(twice, lora_config({"value"}));
  CHECK_THROWS_WITH(apply_lora(twice, lora_config({"value"})), Catch::Contains("already has a LoRA adapter"));
  LoraConfig bias = lora_config({"value"});
  bias.bias = "all";
  CHECK_THROWS_WITH(apply_lora(twice, bias), Catch::Contains("bias"));
  LoraConfig save = lora_config({"key"});
  save.modules_to_save = {"classifier"};
  BertModel no_head(tiny_config());
  CHECK_THROWS_WITH(apply_lora(no_head, save), Catch::Contains("modules_to_save {'classifier'} not found"));
}

TEST_CASE("LoraConfig: adapter_config.json round trip and unsupported fields", "[bert][lora]") {
  LoraConfig c = lora_config({"key", "intermediate.dense"}, 4);
  c.lora_dropout = 0.1;
  c.modules_to_save = {"classifier"};
  c.task_type = "SEQ_CLS";
  const LoraConfig back = LoraConfig::from_json_string(c.to_json_string(), "test");
  CHECK(back.r == 4);
  CHECK(back.lora_alpha == 4);
  CHECK(back.lora_dropout == 0.1);
  CHECK(back.target_modules == c.target_modules);
  CHECK(back.modules_to_save == c.modules_to_save);
  CHECK(back.task_type == "SEQ_CLS");
  CHECK_THAT(c.to_json_string(), Catch::Contains("\"peft_type\": \"LORA\"") && Catch::Contains("\"lora_alpha\": 4,"));
  CHECK_THROWS_WITH(LoraConfig::from_json_string(R"({"r": 4, "target_modules": ["q"], "use_dora": true})", "a.json"),
                    Catch::Contains("a.json: field \"use_dora\""));
  CHECK_THROWS_WITH(LoraConfig::from_json_string(R"({"r": 4, "target_modules": ".*query"})", "a.json"),
                    Catch::Contains("regex"));
  CHECK_THROWS_WITH(LoraConfig::from_json_string(R"({"peft_type": "IA3"})", "a.json"),
                    Catch::Contains("expected \"LORA\", got \"IA3\""));
  CHECK_THROWS_WITH(LoraConfig::from_json_string(R"({"r": "8", "target_modules": ["q"]})", "a.json"),
                    Catch::Contains("a.json: field \"r\": expected an integer"));
  CHECK_THROWS_WITH(LoraConfig::from_json_string("{", "a.json"), Catch::Contains("a.json: not valid JSON"));
  CHECK_THROWS_WITH(LoraConfig::from_json_string(R"({"r": 4, "target_modules": ["q"], "lora_dropout": 1.5})", "a.json"),
                    Catch::Contains("a.json: field \"lora_dropout\": expected a probability in [0, 1], got 1.5"));
}

TEST_CASE("LoraConfig: a lora_alpha beyond int64 is written as a number and read back", "[lora]") {
  // 1e30 was cast to int64 for writing, which is undefined (UBSan in fuzz/fuzz_lora_config.cpp reports it).
  for (const double alpha : {1e30, -1e30, 16.0, 0.5}) {
    LoraConfig c = lora_config({"query"}, 4);
    c.lora_alpha = alpha;
    CHECK(LoraConfig::from_json_string(c.to_json_string(), "test").lora_alpha == alpha);
  }
}

TEST_CASE("save_adapter / load_adapter: a round trip restores A and B exactly", "[bert][lora]") {
  const fs::path dir = fs::temp_directory_path() / "bertlab_test_lora_roundtrip";
  fs::remove_all(dir);
  BertModel model(tiny_config());
  const LoraConfig config = lora_config({"key", "intermediate.dense"}, 4);
  apply_lora(model, config);
  randomize_lora_B(model, 12);
  save_adapter(model, config, dir);
  BertModel other(tiny_config());
  const LoraConfig loaded = load_adapter(other, dir);
  CHECK(loaded.target_modules == config.target_modules);
  const auto want = adapter_state_dict(model, config), got = adapter_state_dict(other, loaded);
  REQUIRE(got.size() == want.size());
  for (const auto& [key, t] : want) CHECK_THAT(got.at(key), AllClose(t, 0.0, 0.0));
  CHECK(SafetensorsFile::open(dir / "adapter_model.safetensors").metadata().at("format") == "pt");
  // a folder missing a tensor is a clear error
  BertModel third(tiny_config());
  LoraConfig more = config;
  more.target_modules.push_back("query");
  { std::ofstream(dir / "adapter_config.json") << more.to_json_string(); }
  CHECK_THROWS_WITH(load_adapter(third, dir), Catch::Contains("missing adapter tensor(s)"));
  fs::remove_all(dir);
}

TEST_CASE("LoraConfig: the command line's short form", "[lora]") {
  const bertlab::peft::LoraConfig c = bertlab::peft::LoraConfig::from_cli_spec("r=4,alpha=16,dropout=0.1,targets=query,value,key");
  CHECK(c.r == 4);
  CHECK(c.lora_alpha == 16.0);
  CHECK(c.lora_dropout == 0.1);
  CHECK(c.target_modules == std::vector<std::string>{"query", "value", "key"});
  CHECK(c.scaling() == 4.0);  // alpha / r = 16 / 4
  CHECK(bertlab::peft::LoraConfig::from_cli_spec("r=8").target_modules == std::vector<std::string>{"query", "value"});
  REQUIRE_THROWS_WITH(bertlab::peft::LoraConfig::from_cli_spec("r=eight"), Catch::Contains("r: expected a number"));
  REQUIRE_THROWS_WITH(bertlab::peft::LoraConfig::from_cli_spec("rank=8"), Catch::Contains("unknown key \"rank\""));
  REQUIRE_THROWS_WITH(bertlab::peft::LoraConfig::from_cli_spec("query"), Catch::Contains("expected items like"));
  REQUIRE_THROWS_WITH(bertlab::peft::LoraConfig::from_cli_spec("r=8,dropout=-0.1"),
                      Catch::Contains("--lora: dropout: expected a probability in [0, 1], got -0.1"));
}
