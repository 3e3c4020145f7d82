// Parity with HuggingFace transformers + PyTorch on the tiny checkpoints in <fixtures>/models:
// every output, loss and parameter gradient, within the tolerances of the fixture READMEs.
#include <catch2/catch.hpp>

#include <cmath>

#include "bert/checkpoint.h"
#include "bert/for_masked_lm.h"
#include "bert/for_question_answering.h"
#include "pipelines/forward_outputs.h"
#include "tensor/half.h"  // defines: f16_to_f32, f32_to_f16
#include "tests/support/all_close.h"
#include "tests/support/fixtures.h"
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir
#include "tests/support/golden.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::pipelines;
using namespace bertlab::testing;

TEST_CASE("BertModel: hidden states, attentions and pooler match HF on tiny-bert", "[bert][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  const auto outputs = forward_outputs(*dir, Task::base, golden, false);
  // embedding_output, 3 hidden states, last_hidden_state, 2 attentions, pooler_output, and the
  // debug.* attention and intermediate outputs of 2 layers; not the MLM head's tensors
  CHECK(compare_with_golden(outputs, golden, {"mlm_", "debug.mlm_", "grad."}) == 8 + 2 * 2);
}

TEST_CASE("BertForMaskedLM: logits, loss and every gradient match HF on tiny-bert", "[bert][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  const auto outputs = forward_outputs(*dir, Task::mlm, golden, true);
  // BertForMaskedLM has no pooler. The 7 tensors of BertModel without it, 4 debug.layer.* and
  // debug.mlm_transform_output, mlm_logits, mlm_loss, and the README's 42 gradients
  CHECK(compare_with_golden(outputs, golden, {"pooler_output"}) == 7 + 4 + 1 + 2 + 42);
}

TEST_CASE("BertForSequenceClassification: logits, loss and gradients match HF", "[bert][golden]") {
  auto dir = fixture("models/tiny-bert-heads/seq-cls");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  const auto outputs = forward_outputs(*dir, task_from_config(*dir), golden, true);
  // BertModel's 8 tensors and 4 debug.layer.*, seqcls_logits, seqcls_loss, and 41 gradients
  // (tiny-bert's 37 encoder ones, the pooler's 2, the classifier's 2)
  CHECK(compare_with_golden(outputs, golden) == 8 + 4 + 2 + 41);
}

TEST_CASE("BertForQuestionAnswering: logits, loss, out-of-range positions and gradients match HF",
          "[bert][golden]") {
  auto dir = fixture("models/tiny-bert-heads/qa");
  if (!dir) return;
  const SafetensorsFile golden = SafetensorsFile::open(*dir / "golden.safetensors");
  const auto outputs = forward_outputs(*dir, task_from_config(*dir), golden, true);
  // BertModel's 7 tensors without a pooler and 4 debug.layer.*, the start and end logits, qa_loss,
  // and 39 gradients (tiny-bert's 37 encoder ones, qa_outputs' 2)
  CHECK(compare_with_golden(outputs, golden) == 7 + 4 + 3 + 39);

  // The oor.* positions include one past the sequence: it is clamped to S and ignored.
  auto model = from_pretrained<BertForQuestionAnswering>(*dir);
  QuestionAnsweringModelOutput out =
      model->forward(golden.int_tensor("input_ids"), golden.int_tensor("attention_mask"),
                     golden.int_tensor("token_type_ids"), golden.int_tensor("oor.start_positions"),
                     golden.int_tensor("oor.end_positions"));
  const float gold = golden.tensor("oor.qa_loss").item();
  CHECK(std::fabs(out.loss.item() - gold) <= 1e-5 + 1e-6 * std::fabs(gold));
}

TEST_CASE("save_pretrained: a saved model loads back with identical outputs", "[bert][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  auto model = from_pretrained<BertForMaskedLM>(*dir);
  const auto out_dir = std::filesystem::temp_directory_path() / "bertlab_save_pretrained_test";
  std::filesystem::remove_all(out_dir);
  save_pretrained(*model, model->bert.config, out_dir);
  auto again = from_pretrained<BertForMaskedLM>(out_dir);
  const IntTensor ids({101, 1996, 103, 102}, {1, 4});  // [CLS] the [MASK] [SEP] in either vocab
  CHECK_THAT(again->forward(ids).logits, AllClose(model->forward(ids).logits, 0.0, 0.0));
  CHECK(BertConfig::from_json_file(out_dir / "config.json").architectures ==
        std::vector<std::string>{"BertForMaskedLM"});
  std::filesystem::remove_all(out_dir);
}

TEST_CASE("save_pretrained float16: every weight is its nearest half, and the config says float16",
          "[bert][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  auto model = from_pretrained<BertForMaskedLM>(*dir);
  ScratchDir out("save_pretrained_f16");
  save_pretrained(*model, model->bert.config, out.path, "float16");
  CHECK(BertConfig::from_json_file(out.path / "config.json").torch_dtype == "float16");
  const SafetensorsFile file = SafetensorsFile::open(out.path / "model.safetensors");
  auto again = from_pretrained<BertForMaskedLM>(out.path.string());
  const auto saved = model->named_parameters(), loaded = again->named_parameters();
  REQUIRE(saved.size() == loaded.size());
  for (size_t i = 0; i < saved.size(); ++i) {
    const auto& [name, p] = saved[i];
    CAPTURE(name);
    CHECK(file.entry(name).dtype == "F16");
    std::vector<float> rounded = p.to_vector();
    for (float& x : rounded) x = f16_to_f32(f32_to_f16(x));
    CHECK(loaded[i].first == name);
    CHECK(loaded[i].second.to_vector() == rounded);
  }
  REQUIRE_THROWS_WITH(save_pretrained(*model, model->bert.config, out.path, "bfloat16"),
                      Catch::Contains("torch_dtype \"bfloat16\""));
}

TEST_CASE("from_pretrained: legacy names load as in transformers (gamma/beta, decoder, position_ids)",
          "[bert][golden]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir) return;
  // Rewrite tiny-bert the way bert-base-uncased's own checkpoint spells it.
  const SafetensorsFile original = SafetensorsFile::open(*dir / "model.safetensors");
  SafetensorsWriter legacy;
  for (const std::string& name : original.names()) {
    std::string key = name;
    for (auto [from, to] : {std::pair{"LayerNorm.weight", "LayerNorm.gamma"}, {"LayerNorm.bias", "LayerNorm.beta"}})
      if (key.size() > std::string(from).size() && key.compare(key.size() - std::string(from).size(), std::string::npos, from) == 0)
        key = key.substr(0, key.size() - std::string(from).size()) + to;
    legacy.add(key, original.tensor(name));
  }
  legacy.add("cls.predictions.decoder.weight", original.tensor("bert.embeddings.word_embeddings.weight"));
  legacy.add("bert.embeddings.position_ids", IntTensor(std::vector<int64_t>(64, 0), {1, 64}));
  ScratchDir out("legacy_checkpoint");
  std::filesystem::copy_file(*dir / "config.json", out.path / "config.json");
  legacy.save(out.path / "model.safetensors");

  auto want = from_pretrained<BertForMaskedLM>(dir->string());
  auto got = from_pretrained<BertForMaskedLM>(out.path.string());
  const IntTensor ids({101, 1996, 103, 102}, {1, 4});  // [CLS] the [MASK] [SEP] in either vocab
  CHECK_THAT(got->forward(ids).logits, AllClose(want->forward(ids).logits, 0.0, 0.0));
  const LoadReport report = load_weights(*got, SafetensorsFile::open(out.path / "model.safetensors"));
  CHECK(report.renamed_keys.size() == 2 * 6);  // weight+bias of 6 LayerNorms (embeddings, 2 × 2 layers, mlm head)
  CHECK(report.missing_keys.empty());
}
