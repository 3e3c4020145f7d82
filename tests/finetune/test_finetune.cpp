// Fine-tuning learns: a tiny BERT from random init, trained with finetune::Trainer on generated tasks
// whose answer is known, reaches >= 95% on held-out examples; a resumed run ends bit-identical.
// The real BertTokenizer runs on a small vocab.txt written to a scratch folder.
#include <catch2/catch.hpp>

#include <functional>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "peft/lora.h"                   // defines: LoraConfig, apply_lora
#include "finetune/finetune.h"               // defines: classification_step, qa_step, evaluate_*
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir, vocab_file_text

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::peft;
using namespace bertlab::finetune;

namespace {

const std::vector<std::string> kObjects = {"car", "house", "ball", "hat", "door", "cup"};
const std::vector<std::pair<std::string, std::vector<std::string>>> kAttributes = {
    {"color", {"red", "blue", "green", "yellow", "black", "white"}},
    {"size", {"big", "small", "tiny", "huge"}},
    {"shape", {"round", "square", "flat", "long"}}};
const std::vector<std::string> kGlue = {"the", "of", "is", "what", "?", ".", "and", "a", "very", "nice", "day"};

tokenizer::BertTokenizer tiny_tokenizer(const testing::ScratchDir& dir) {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (const auto* list : {&kObjects, &kGlue}) tokens.insert(tokens.end(), list->begin(), list->end());
  for (const auto& [name, values] : kAttributes) {
    tokens.push_back(name);
    tokens.insert(tokens.end(), values.begin(), values.end());
  }
  dir.write("vocab.txt", testing::vocab_file_text(tokens));
  return tokenizer::BertTokenizer::from_pretrained(dir.path.string());
}

BertConfig tiny_config(const tokenizer::BertTokenizer& tok) {
  BertConfig config;
  config.vocab_size = tok.vocab().size();
  config.hidden_size = 32;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 64;
  config.max_position_embeddings = 64;
  config.attention_probs_dropout_prob = 0.0;
  config.hidden_dropout_prob = 0.1;  // on, so the tests cover the dropout generator's state
  return config;
}

template <typename T>
const T& pick(Generator& gen, const std::vector<T>& list) { return list[gen.next_u64() % list.size()]; }

// Held-out means unseen: the QA examples are split by (object, value) pair. A pair is held out when
// (object index + value index) % 3 == 0; training never sees it, though it sees every object and
// every value in other pairs. The classification sentences held out are those not drawn for training.
enum class Part { train, held_out };

bool held_out_pair(size_t object, size_t value) { return (object + value) % 3 == 0; }

// "the color of the car is red ." (with "a very nice day ." before or after) and the question
// "what is the color of the car ?": the answer is the word after "is". Only the `part`'s pairs.
std::vector<SquadExample> qa_examples(uint64_t seed, int64_t n, Part part) {
  Generator gen(seed);
  std::vector<SquadExample> out;
  while (static_cast<int64_t>(out.size()) < n) {
    const auto& [attribute, values] = pick(gen, kAttributes);
    const size_t object_index = gen.next_u64() % kObjects.size(), value_index = gen.next_u64() % values.size();
    const std::string distractor = gen.next_u64() % 2 ? "a very nice day . " : "";
    if (held_out_pair(object_index, value_index) != (part == Part::held_out)) continue;
    const std::string& object = kObjects[object_index];
    const std::string& value = values[value_index];
    const std::string prefix = distractor + "the " + attribute + " of the " + object + " is ";
    const std::string context = prefix + value + " ." + (distractor.empty() ? " and a very nice day ." : "");
    out.push_back({std::to_string(out.size()), "", "what is the " + attribute + " of the " + object + " ?", context,
                   {{value, static_cast<int64_t>(prefix.size())}}});
  }
  return out;
}

// Label 1 when the sentence contains "ball". Sentences in `seen` are drawn again.
ClassificationDataset cls_examples(uint64_t seed, int64_t n, const std::vector<std::string>& seen = {}) {
  Generator gen(seed);
  std::vector<std::string> words = kObjects;
  words.insert(words.end(), kGlue.begin(), kGlue.end());
  const std::set<std::string> drawn_before(seen.begin(), seen.end());
  ClassificationDataset data;
  data.label_names = {"no", "yes"};
  while (static_cast<int64_t>(data.texts.size()) < n) {
    std::string text;
    const int64_t length = 4 + static_cast<int64_t>(gen.next_u64() % 5);
    for (int64_t w = 0; w < length; ++w) {
      std::string word = pick(gen, words);
      if (word == "ball") word = "cup";
      text += (w ? " " : "") + word;
    }
    const bool yes = gen.next_u64() % 2 == 0;
    if (yes) text += " ball " + pick(gen, words);
    if (drawn_before.count(text)) continue;
    data.texts.push_back(text);
    data.labels.push_back(yes ? 1 : 0);
  }
  return data;
}

// How many of `held_out` also occur in `train` (by the text the model reads).
template <typename T, typename Text>
int64_t seen_in_training(const std::vector<T>& train, const std::vector<T>& held_out, Text text) {
  std::set<std::string> seen;
  for (const T& example : train) seen.insert(text(example));
  return std::count_if(held_out.begin(), held_out.end(), [&](const T& example) { return seen.count(text(example)) > 0; });
}

finetune::TrainingArguments tiny_args(int64_t steps) {
  finetune::TrainingArguments args;
  args.max_steps = steps;
  args.per_device_train_batch_size = 16;
  args.learning_rate = 3e-3;
  args.disable_tqdm = true;
  return args;
}

std::vector<float> flat_parameters(const nn::Module& model) {
  std::vector<float> out;
  for (const auto& [name, p] : model.named_parameters()) out.insert(out.end(), p.data(), p.data() + p.numel());
  return out;
}

}  // namespace

namespace {
// Trains a tiny random-init QA model on "the <attribute> of the <object> is <value>" for
// `steps` steps, after `prepare` (e.g. LoRA) has had its say; returns the held-out exact match.
double train_answer_extractor(const std::string& name, int64_t steps,
                              const std::function<void(BertForQuestionAnswering&)>& prepare) {
  testing::ScratchDir dir(name);
  const auto tok = tiny_tokenizer(dir);
  const auto train = qa_examples(1, 2000, Part::train), held_out = qa_examples(2, 200, Part::held_out);
  const auto question_and_context = [](const SquadExample& e) { return e.question + " | " + e.context; };
  CHECK(seen_in_training(train, held_out, question_and_context) == 0);
  const QaFeatures train_f = prepare_qa_features(tok, train, 64, 16), eval_f = prepare_qa_features(tok, held_out, 64, 16);
  BertConfig config = tiny_config(tok);
  BertForQuestionAnswering model(config);
  Generator gen(0);
  init_bert_weights(model, config.initializer_range, gen);
  prepare(model);
  finetune::Trainer trainer(
      model, tiny_args(steps), static_cast<int64_t>(train_f.windows.size()),
      [&](const std::vector<int64_t>& rows) { return qa_step(model, train_f, rows); },
      [&] { return evaluate_qa(model, held_out, eval_f); });
  trainer.train();
  return trainer.last_metrics().at("eval_exact_match");
}
}  // namespace

TEST_CASE("finetune: a tiny BERT learns to extract the answer after is (QA, EM >= 95%)", "[finetune]") {
  const double exact_match = train_answer_extractor("finetune_qa", 250, [](BertForQuestionAnswering&) {});
  INFO("held-out exact match " << exact_match);
  CHECK(exact_match >= 95.0);
}

TEST_CASE("finetune: LoRA on query/value plus qa_outputs learns the same QA task (EM >= 95%)", "[finetune][lora]") {
  const double exact_match = train_answer_extractor("finetune_qa_lora", 400, [](BertForQuestionAnswering& model) {
    LoraConfig lora = LoraConfig::from_cli_spec("r=8,alpha=16,targets=query,value");
    lora.task_type = "QUESTION_ANS";  // PEFT trains qa_outputs fully for this task type
    apply_lora(model, lora);
    CHECK(model.num_parameters(/*only_trainable=*/true) < model.num_parameters() / 2);
  });
  INFO("held-out exact match " << exact_match);
  CHECK(exact_match >= 95.0);
}

namespace {
// Trains a tiny random-init classifier on "does the sentence contain the word?" for 150 steps,
// after `prepare` (e.g. LoRA) has had its say, and returns the held-out accuracy.
double train_word_classifier(const std::string& name, const std::function<void(BertForSequenceClassification&)>& prepare) {
  testing::ScratchDir dir(name);
  const auto tok = tiny_tokenizer(dir);
  const auto train = cls_examples(1, 2000), held_out = cls_examples(2, 200, train.texts);
  CHECK(seen_in_training(train.texts, held_out.texts, [](const std::string& text) { return text; }) == 0);
  BertConfig config = tiny_config(tok);
  config.id2label = train.label_names;
  BertForSequenceClassification model(config);
  Generator gen(0);
  init_bert_weights(model, config.initializer_range, gen);
  prepare(model);
  finetune::Trainer trainer(
      model, tiny_args(150), static_cast<int64_t>(train.size()),
      [&](const std::vector<int64_t>& rows) { return classification_step(model, tok, train, rows, 32); },
      [&] { return evaluate_classification(model, tok, held_out, 32); });
  trainer.train();
  return trainer.last_metrics().at("eval_accuracy");
}
}  // namespace

TEST_CASE("finetune: a tiny BERT learns whether a sentence contains a word (accuracy >= 95%)", "[finetune]") {
  const double accuracy = train_word_classifier("finetune_cls", [](BertForSequenceClassification&) {});
  INFO("held-out accuracy " << accuracy);
  CHECK(accuracy >= 0.95);
}

TEST_CASE("finetune: LoRA on query/value plus the classifier learns the same task (accuracy >= 95%)",
          "[finetune][lora]") {
  const double accuracy = train_word_classifier("finetune_cls_lora", [](BertForSequenceClassification& model) {
    LoraConfig lora = LoraConfig::from_cli_spec("r=8,alpha=16,targets=query,value");
    lora.task_type = "SEQ_CLS";  // PEFT trains the classifier fully for this task type
    apply_lora(model, lora);
    CHECK(model.num_parameters(/*only_trainable=*/true) < model.num_parameters() / 2);
  });
  INFO("held-out accuracy " << accuracy);
  CHECK(accuracy >= 0.95);
}

TEST_CASE("Trainer: N steps straight == N/2, checkpoint, resume, N/2 (bit for bit)", "[finetune]") {
  testing::ScratchDir dir("finetune_resume");
  const auto tok = tiny_tokenizer(dir);
  const auto train = cls_examples(1, 100);
  BertConfig config = tiny_config(tok);
  config.id2label = train.label_names;
  auto run = [&](const std::filesystem::path& out, uint64_t init_seed, std::optional<std::filesystem::path> resume) {
    BertForSequenceClassification model(config);
    Generator gen(init_seed);
    init_bert_weights(model, config.initializer_range, gen);
    finetune::TrainingArguments args = tiny_args(20);
    args.per_device_train_batch_size = 8;  // 100 examples: the run crosses epochs
    args.gradient_accumulation_steps = 2;
    args.save_steps = 10;
    args.output_dir = out;
    finetune::Trainer trainer(model, args, static_cast<int64_t>(train.size()), [&](const std::vector<int64_t>& rows) {
      return classification_step(model, tok, train, rows, 32);
    });
    const double loss = trainer.train(resume);
    return std::pair{loss, flat_parameters(model)};
  };
  const auto straight = run(dir.path / "a", 0, std::nullopt);
  const auto again = run(dir.path / "b", 0, std::nullopt);
  // A fresh model from another init: everything it ends with comes from the checkpoint.
  const auto resumed = run(dir.path / "c", 7, dir.path / "a" / "checkpoint-10");
  CHECK(again.first == straight.first);  // same seed, same run
  CHECK(resumed.first == straight.first);
  CHECK(resumed.second == straight.second);
  for (const char* file : {"model.safetensors", "optimizer.safetensors", "trainer_state.json"})
    CHECK(std::filesystem::exists(dir.path / "a" / "checkpoint-20" / file));
  // history.jsonl: one line per step with loss and lr; the same seed gives the same file.
  auto read = [](const std::filesystem::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string history = read(dir.path / "a" / "history.jsonl");
  CHECK(history == read(dir.path / "b" / "history.jsonl"));
  CHECK(std::count(history.begin(), history.end(), '\n') == 20);
  CHECK(history.find("{\"grad_norm\":") == 0);
}
