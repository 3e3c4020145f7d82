// Pretraining from scratch: the MLM loss computed at the masked positions only is the full loss
// (value and every gradient), a small BERT learns a synthetic language far below the unigram
// baseline in seconds, and a run resumed from a checkpoint ends in the same weights, bit for bit.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>

#include "finetune/mlm_data.h"           // defines: mlm_examples
#include "finetune/pretraining.h"        // defines: masked_lm_loss, pretraining_step, evaluate_mlm
#include "tensor/random.h"               // defines: Generator
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
namespace fs = std::filesystem;

namespace {

// [PAD] [UNK] [CLS] [SEP] [MASK] and 20 words c0..c19.
tokenizer::BertTokenizer counting_tokenizer() {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (int w = 0; w < 20; ++w) tokens.push_back(fmt::format("c{}", w));
  return tokenizer::BertTokenizer(tokenizer::Vocab(tokens));
}

// A language where context decides every word: each line counts up (mod 20) from a random start,
// "c7 c8 c9 c10 c11 c12". All 20 words are equally frequent, so the unigram baseline is ln 20.
std::vector<std::string> counting_lines(int64_t n, uint64_t seed) {
  Generator gen(seed);
  std::vector<std::string> lines;
  for (int64_t i = 0; i < n; ++i) {
    const auto start = static_cast<int64_t>(gen.uniform() * 20.0f);
    std::string line;
    for (int64_t k = 0; k < 8; ++k) line += fmt::format("{}c{}", k ? " " : "", (start + k) % 20);
    lines.push_back(line);
  }
  return lines;
}

bert::BertConfig small_config(int64_t vocab_size, double dropout) {
  bert::BertConfig config;
  config.vocab_size = vocab_size;
  config.hidden_size = 32;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 64;
  config.max_position_embeddings = 16;
  config.hidden_dropout_prob = config.attention_probs_dropout_prob = dropout;
  return config;
}

std::unique_ptr<bert::BertForMaskedLM> new_model(const bert::BertConfig& config, uint64_t seed) {
  auto model = std::make_unique<bert::BertForMaskedLM>(config);
  Generator gen(seed);
  bert::init_bert_weights(*model, config.initializer_range, gen);
  return model;
}

finetune::MlmData counting_data(int64_t n, uint64_t seed) {
  const auto tok = counting_tokenizer();
  return {finetune::mlm_examples(counting_lines(n, seed), tok, 16, /*line_by_line=*/true),
          finetune::MlmVocabulary::of(tok), {}, seed};
}

std::map<std::string, std::vector<float>> gradients(const nn::Module& model) {
  std::map<std::string, std::vector<float>> out;
  for (const auto& [name, p] : model.named_parameters()) {
    const Tensor g = p.grad();
    out[name] = g.defined() ? std::vector<float>(g.data(), g.data() + g.numel()) : std::vector<float>(p.numel(), 0.0f);
  }
  return out;
}

}  // namespace

TEST_CASE("masked_lm_loss: the head at the masked positions only gives the full loss and gradients",
          "[finetune][pretrain]") {
  const finetune::MlmData data = counting_data(6, 11);
  auto model = new_model(small_config(data.vocab.size, 0.0), 5);
  model->eval();
  std::vector<finetune::MaskedExample> masked;
  for (int64_t r = 0; r < 6; ++r)
    masked.push_back(finetune::mask_tokens(data.examples[r], data.vocab, data.masking, finetune::mask_key(1, 0, r)));
  masked[2].input_ids.resize(5), masked[2].labels.resize(5);  // a shorter row: padding in the batch
  masked[2].input_ids.back() = 3, masked[2].labels.back() = -100;
  const finetune::MlmBatch batch = finetune::collate_mlm(masked, data.vocab.pad_token_id);

  const bert::MaskedLMOutput full = model->forward(batch.input_ids, batch.attention_mask, batch.token_type_ids, batch.labels);
  full.loss.backward();
  const auto full_grads = gradients(*model);
  model->zero_grad();
  const finetune::MaskedPositionsOutput only = finetune::masked_lm_loss(*model, batch);
  only.loss.backward();
  const auto only_grads = gradients(*model);

  REQUIRE(only.labels.size() > 4);
  CHECK(only.logits.shape() == Shape{static_cast<int64_t>(only.labels.size()), data.vocab.size});
  CHECK(only.loss.item() == Approx(full.loss.item()).epsilon(1e-6));
  REQUIRE(only_grads.size() == full_grads.size());
  int64_t compared = 0;
  for (const auto& [name, g] : full_grads) {
    INFO(name);
    const auto& h = only_grads.at(name);
    REQUIRE(h.size() == g.size());
    float scale = 0.0f;
    for (float x : g) scale = std::max(scale, std::abs(x));
    for (size_t i = 0; i < g.size(); ++i) CHECK(std::abs(h[i] - g[i]) <= 1e-5f * scale + 1e-9f);
    compared += scale > 0.0f;
  }
  CHECK(compared > 10);  // the gradients were not all zero
}

TEST_CASE("pretraining: a small BERT learns a counting language far below the unigram baseline",
          "[finetune][pretrain]") {
  const finetune::MlmData train = counting_data(512, 1), eval = counting_data(64, 2);
  const double baseline = finetune::unigram_entropy(train.examples, train.vocab);
  CHECK(baseline == Approx(std::log(20.0)).epsilon(0.01));  // 20 words, near-uniform
  auto model = new_model(small_config(train.vocab.size, 0.0), 3);
  finetune::TrainingArguments args;
  args.max_steps = 600;
  args.per_device_train_batch_size = 16;
  args.learning_rate = 5e-3;
  args.disable_tqdm = true;
  finetune::Trainer trainer(
      *model, args, static_cast<int64_t>(train.examples.size()),
      [&](const std::vector<int64_t>& rows) {
        return finetune::pretraining_step(*model, train, rows, trainer.micro_batch_epochs());
      },
      [&] { return finetune::evaluate_mlm(*model, eval); });
  trainer.train();
  const auto& metrics = trainer.last_metrics();
  INFO("unigram baseline " << baseline << ", eval_loss " << metrics.at("eval_loss") << ", eval_accuracy "
                           << metrics.at("eval_accuracy"));
  CHECK(metrics.at("eval_loss") < 0.4 * baseline);  // measured: 0.74 against ln 20 = 3.0
  CHECK(metrics.at("eval_accuracy") > 0.75);        // measured: 0.87
  CHECK(metrics.at("eval_perplexity") == Approx(std::exp(metrics.at("eval_loss"))));
}

TEST_CASE("pretraining: a run resumed from a checkpoint ends in the same weights, bit for bit", "[finetune][pretrain]") {
  testing::ScratchDir dir("pretrain_resume");
  const finetune::MlmData data = counting_data(10, 4);  // 10 examples, 4 per step: epochs change mid-run
  const auto config = small_config(data.vocab.size, 0.1);  // dropout on: its generator must resume too
  auto run = [&](const fs::path& out, const std::optional<fs::path>& resume, std::vector<int64_t>* epochs_seen) {
    // Another initialization when resuming: only the checkpoint's weights can make the runs agree.
    auto model = new_model(config, resume ? 99 : 9);
    finetune::TrainingArguments args;
    args.output_dir = out;
    args.max_steps = 6;
    args.per_device_train_batch_size = 4;
    args.learning_rate = 1e-3;
    args.save_steps = 3;
    args.disable_tqdm = true;
    finetune::Trainer trainer(*model, args, static_cast<int64_t>(data.examples.size()),
                              [&](const std::vector<int64_t>& rows) {
                                const auto& epochs = trainer.micro_batch_epochs();
                                if (epochs_seen) epochs_seen->insert(epochs_seen->end(), epochs.begin(), epochs.end());
                                return finetune::pretraining_step(*model, data, rows, epochs);
                              });
    trainer.train(resume);
    std::vector<float> weights;
    for (const auto& [name, p] : model->named_parameters()) weights.insert(weights.end(), p.data(), p.data() + p.numel());
    return weights;
  };
  std::vector<int64_t> epochs;
  const auto straight = run(dir.path / "straight", std::nullopt, &epochs);
  // 24 examples of 10: epochs 0 (10), 1 (10), 2 (4), in order.
  CHECK(epochs == std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2});
  const auto resumed = run(dir.path / "straight", dir.path / "straight" / "checkpoint-3", nullptr);
  REQUIRE(resumed.size() == straight.size());
  CHECK(resumed == straight);  // exact float equality
  const auto again = run(dir.path / "again", std::nullopt, nullptr);
  CHECK(again == straight);  // and the straight run is itself deterministic
}
