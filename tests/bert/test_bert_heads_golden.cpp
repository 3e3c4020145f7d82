// Parity with HuggingFace transformers + PyTorch for the heads of models/small-vocab-heads:
// BertForTokenClassification, BertForMultipleChoice, BertForNextSentencePrediction and
// BertForPreTraining — every output, loss and parameter gradient, within the fixture READMEs'
// tolerances. These fixtures belong to the repository (tests/golden/make_fixtures.py), so they are
// read from tests/fixtures, not from every fixture root.
#include <catch2/catch.hpp>

#include "bert/checkpoint.h"
#include "bert/for_multiple_choice.h"
#include "bert/for_next_sentence_prediction.h"
#include "bert/for_pretraining.h"
#include "bert/for_token_classification.h"
#include "pipelines/forward_outputs.h"
#include "tests/support/golden.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::pipelines;
using namespace bertlab::testing;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path small_vocab_head(const std::string& name) {
  return std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "models" / "small-vocab-heads" / name;
}

// Runs `task` on the folder's golden inputs with gradients and compares everything.
int compare_head_with_golden(const std::string& name, Task task) {
  const auto dir = small_vocab_head(name);
  const SafetensorsFile golden = SafetensorsFile::open(dir / "golden.safetensors");
  CHECK(task_from_config(dir) == task);  // config.json's architectures picks the same head
  return compare_with_golden(forward_outputs(dir, task, golden, true), golden);
}

}  // namespace

TEST_CASE("BertForTokenClassification: logits, loss (-100 ignored) and every gradient match HF", "[bert][golden][heads]") {
  // BertModel's 7 tensors without a pooler, 4 debug.layer.*, tokcls_logits, tokcls_loss, and 39
  // gradients (37 encoder ones, the classifier's 2)
  CHECK(compare_head_with_golden("token-cls", Task::token_cls) == 7 + 4 + 2 + 39);
}

TEST_CASE("BertForMultipleChoice: [B, C, S] inputs, logits [B, C], loss and every gradient match HF",
          "[bert][golden][heads]") {
  // BertModel's 8 tensors and 4 debug.layer.* of the flat [B·C, S] batch, mc_logits, mc_loss, and 41
  // gradients (37 encoder ones, the pooler's 2, the classifier's 2)
  CHECK(compare_head_with_golden("multiple-choice", Task::multiple_choice) == 8 + 4 + 2 + 41);
}

TEST_CASE("BertForNextSentencePrediction: logits, loss and every gradient match HF", "[bert][golden][heads]") {
  // BertModel's 8 tensors and 4 debug.layer.*, nsp_logits, nsp_loss, and 41 gradients (37 encoder
  // ones, the pooler's 2, cls.seq_relationship's 2)
  CHECK(compare_head_with_golden("nsp", Task::nsp) == 8 + 4 + 2 + 41);
}

TEST_CASE("BertForPreTraining: MLM and NSP logits, their summed loss and every gradient match HF",
          "[bert][golden][heads]") {
  // BertModel's 8 tensors, 4 debug.layer.* and debug.mlm_transform_output, mlm_logits, nsp_logits,
  // pretraining_loss, and 46 gradients (37 encoder ones, the pooler's 2, cls.predictions' 5 with
  // the tied decoder summed into the word embeddings, cls.seq_relationship's 2)
  CHECK(compare_head_with_golden("pretraining", Task::pretraining) == 8 + 5 + 3 + 46);
}

TEST_CASE("from_pretrained: a BertForPreTraining checkpoint (bert-base-uncased's layout) loads whole",
          "[bert][golden][heads]") {
  // tiny-bert's model.safetensors holds all of BertForPreTraining, cls.seq_relationship included.
  const auto dir = std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "models" / "tiny-bert";
  const SafetensorsFile file = SafetensorsFile::open(dir / "model.safetensors");
  const BertConfig config = BertConfig::from_json_file(dir / "config.json");
  BertForPreTraining pretraining(config);
  LoadReport report = load_weights(pretraining, file);
  CHECK(report.unexpected_keys.empty());
  CHECK(report.missing_keys.empty());
  BertForNextSentencePrediction nsp(config);
  report = load_weights(nsp, file);
  CHECK(report.missing_keys.empty());  // the NSP head loads; the MLM head's 5 tensors are not used
  CHECK(report.unexpected_keys == std::vector<std::string>{
                                      "cls.predictions.bias", "cls.predictions.transform.LayerNorm.bias",
                                      "cls.predictions.transform.LayerNorm.weight",
                                      "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight"});
}

TEST_CASE("heads: labels or inputs of the wrong shape are errors that name them", "[bert][heads]") {
  const auto dir = small_vocab_head("pretraining");
  const BertConfig config = BertConfig::from_json_file(dir / "config.json");
  const IntTensor ids({101, 105, 103, 102, 101, 121, 103, 102}, {2, 4});  // [B=2, S=4]
  const IntTensor two({0, 1}, {2});

  BertForPreTraining pretraining(config);
  CHECK_THROWS_WITH(pretraining.forward(ids, {}, {}, IntTensor(std::vector<int64_t>(8, -100), {2, 4})),
                    Contains("both labels") && Contains("got only labels"));
  CHECK_THROWS_WITH(pretraining.forward(ids, {}, {}, {}, two), Contains("got only next_sentence_label"));
  CHECK_THROWS_WITH(pretraining.forward(ids, {}, {}, IntTensor({1, 2, 3, 4}, {4}), two),
                    Contains("expected labels [2, 4] like input_ids, got [4]"));

  BertForNextSentencePrediction nsp(config);
  CHECK_THROWS_WITH(nsp.forward(ids, {}, {}, IntTensor({0, 1, 0}, {3})),
                    Contains("expected next_sentence_label [2], got [3]"));

  BertForMultipleChoice mc(config);
  CHECK_THROWS_WITH(mc.forward(ids), Contains("expected input_ids [B, C, S], got [2, 4]"));
  const IntTensor choices(ids.data, {1, 2, 4});  // one example, two choices
  CHECK_THROWS_WITH(mc.forward(choices, IntTensor(std::vector<int64_t>(8, 1), {2, 4})),
                    Contains("expected attention_mask [1, 2, 4] like input_ids, got [2, 4]"));
  CHECK_THROWS_WITH(mc.forward(choices, {}, {}, two), Contains("expected labels [1], got [2]"));
  CHECK(mc.forward(choices).logits.shape() == Shape{1, 2});

  BertConfig five = config;
  five.id2label = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC"};
  BertForTokenClassification tokcls(five);
  CHECK(tokcls.forward(ids).logits.shape() == Shape{2, 4, 5});
  CHECK_THROWS_WITH(tokcls.forward(ids, {}, {}, two), Contains("BertForTokenClassification: expected labels [2, 4]"));
}

TEST_CASE("forward --task: the new heads' names parse, others list them all", "[bert][heads]") {
  CHECK(parse_task("token-cls") == Task::token_cls);
  CHECK(parse_task("multiple-choice") == Task::multiple_choice);
  CHECK(parse_task("nsp") == Task::nsp);
  CHECK(parse_task("pretraining") == Task::pretraining);
  CHECK_THROWS_WITH(parse_task("ner"), Contains("token-cls, multiple-choice, nsp, pretraining") && Contains("\"ner\""));
}
