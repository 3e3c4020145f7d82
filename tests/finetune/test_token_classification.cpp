// Token classification: CoNLL reading (and its errors), first-wordpiece label alignment as HF's
// run_ner.py, seqeval's entity metrics against seqeval itself (tests/golden/make_seqeval_golden.py),
// and a tiny BERT that learns to tag people and places (entity F1 >= 95% on held-out sentences).
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "finetune/finetune.h"               // defines: token_classification_step, evaluate_token_classification
#include "finetune/seqeval.h"                // defines: get_entities, seqeval_metrics
#include "finetune/token_classification_data.h"  // defines: read_conll_file, encode_token_classification
#include "tests/tokenizer/tiny_vocab.h"      // defines: ScratchDir, vocab_file_text

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::finetune;
using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kFirstNames = {"ada", "alan", "grace", "marie"};
const std::vector<std::string> kSurnames = {"lovelace", "turing", "hopper", "curie"};  // lovelace = love ##lace
const std::vector<std::string> kCities = {"paris", "london", "rome", "seoul"};

tokenizer::BertTokenizer ner_tokenizer(const testing::ScratchDir& dir) {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "love", "##lace"};
  for (const auto* list : {&kFirstNames, &kCities}) tokens.insert(tokens.end(), list->begin(), list->end());
  for (const char* word : {"turing", "hopper", "curie", "lived", "in", "met", "and", "visited", "the", "city", "of", "."})
    tokens.push_back(word);
  dir.write("vocab.txt", testing::vocab_file_text(tokens));
  return tokenizer::BertTokenizer::from_pretrained(dir.path.string());
}

}  // namespace

TEST_CASE("read_conll_file: CoNLL-2003 columns, -DOCSTART-, blank lines and CRLF, tags sorted", "[finetune][ner]") {
  testing::ScratchDir dir("conll_read");
  const auto path = dir.write("train.txt",
                              "-DOCSTART- -X- -X- O\r\n\r\nEU NNP B-NP B-ORG\r\nrejects VBZ B-VP O\r\n\r\n\r\n"
                              "Peter\tB-PER\nBlackburn  I-PER\n");
  const TokenClassificationDataset data = read_conll_file(path);
  REQUIRE(data.size() == 2);
  CHECK(data.words[0] == std::vector<std::string>{"EU", "rejects"});
  CHECK(data.words[1] == std::vector<std::string>{"Peter", "Blackburn"});
  CHECK(data.label_names == std::vector<std::string>{"B-ORG", "B-PER", "I-PER", "O"});
  CHECK(data.tags[0] == std::vector<int64_t>{0, 3});
  CHECK(data.tags[1] == std::vector<int64_t>{1, 2});
  // evaluation data keeps the training tags' order, whatever its own tags
  CHECK(read_conll_file(dir.write("dev.txt", "x O\ny B-PER\n"), data.label_names).tags[0] == std::vector<int64_t>{3, 1});
}

TEST_CASE("read_conll_file: a malformed line, invalid UTF-8, an unknown tag or no sentence names file:line",
          "[finetune][ner]") {
  testing::ScratchDir dir("conll_errors");
  const auto one_field = dir.write("a.txt", "Peter B-PER\n\nBlackburn\n");
  CHECK_THROWS_WITH(read_conll_file(one_field), Contains(one_field.string() + ":3: expected \"word tag\"") &&
                                                    Contains("got \"Blackburn\""));
  const auto bad_utf8 = dir.write("b.txt", "Peter B-PER\ncaf\xc3 O\n");
  CHECK_THROWS_WITH(read_conll_file(bad_utf8), Contains(bad_utf8.string() + ":2:"));
  const auto unknown = dir.write("c.txt", "EU B-ORG\n");
  CHECK_THROWS_WITH(read_conll_file(unknown, {"B-PER", "O"}),
                    Contains(unknown.string() + ":1: tag \"B-ORG\" is not one of the training tags [B-PER, O]"));
  CHECK_THROWS_WITH(read_conll_file(dir.write("d.txt", "\n-DOCSTART- O\n\n")), Contains("no sentences"));
  CHECK_THROWS_WITH(read_conll_file(dir.path / "missing.txt"), Contains("cannot open"));
}

TEST_CASE("encode_token_classification: the tag on each word's first wordpiece, -100 elsewhere (run_ner.py)",
          "[finetune][ner]") {
  testing::ScratchDir dir("ner_align");
  const auto tok = ner_tokenizer(dir);
  TokenClassificationDataset data;
  data.label_names = {"B-LOC", "B-PER", "I-PER", "O"};
  data.words = {{"ada", "lovelace", "lived", "in", "paris"}, {"turing", "."}};
  data.tags = {{1, 2, 3, 3, 0}, {1, 3}};
  const auto id = [&](const char* t) { return tok.convert_tokens_to_ids(std::string_view(t)); };

  const TokenClassificationBatch b = encode_token_classification(tok, data, {0, 1}, 32);
  // [CLS] ada love ##lace lived in paris [SEP], and the second row padded to its length 8
  CHECK(b.input_ids.shape == Shape{2, 8});
  CHECK(std::vector<int64_t>(b.input_ids.data.begin(), b.input_ids.data.begin() + 8) ==
        std::vector<int64_t>{id("[CLS]"), id("ada"), id("love"), id("##lace"), id("lived"), id("in"), id("paris"), id("[SEP]")});
  CHECK(b.labels.data == std::vector<int64_t>{-100, 1, 2, -100, 3, 3, 0, -100,  //
                                              -100, 1, 3, -100, -100, -100, -100, -100});
  CHECK(b.attention_mask.data == std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0});
  CHECK(b.word_starts == std::vector<std::vector<int64_t>>{{1, 2, 4, 5, 6}, {1, 2}});
  CHECK(b.num_tokens == 12);

  // max_length 5: [CLS] ada love ##lace [SEP]; "lived", "in", "paris" are cut off
  const TokenClassificationBatch cut = encode_token_classification(tok, data, {0}, 5);
  CHECK(cut.labels.data == std::vector<int64_t>{-100, 1, 2, -100, -100});
  CHECK(cut.word_starts[0] == std::vector<int64_t>{1, 2, -1, -1, -1});
  CHECK_THROWS_WITH(encode_token_classification(tok, data, {0}, 2), Contains("max_length 2"));
}

TEST_CASE("seqeval_metrics: entities, precision, recall, F1 and accuracy equal seqeval's own", "[finetune][ner]") {
  std::ifstream file(std::filesystem::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "seqeval" / "cases.json");
  const nlohmann::json golden = nlohmann::json::parse(file);
  REQUIRE(golden["cases"].size() == 50);
  for (const nlohmann::json& c : golden["cases"]) {
    const auto truth = c["true"].get<std::vector<std::vector<std::string>>>();
    const auto predicted = c["pred"].get<std::vector<std::vector<std::string>>>();
    CAPTURE(c.dump());
    std::vector<std::string> flat;  // seqeval's own joining, an "O" after each sentence
    for (const auto& sentence : truth) {
      flat.insert(flat.end(), sentence.begin(), sentence.end());
      flat.push_back("O");
    }
    std::vector<Entity> want;
    for (const auto& e : c["true_entities"]) want.push_back({e[0].get<std::string>(), e[1].get<int64_t>(), e[2].get<int64_t>()});
    CHECK(get_entities(flat) == want);
    const auto metrics = seqeval_metrics(truth, predicted);
    for (const char* name : {"precision", "recall", "f1", "accuracy"}) {
      INFO(name);
      CHECK(metrics.at(name) == Approx(c[name].get<double>()).margin(1e-12));
    }
  }
  CHECK_THROWS_WITH(seqeval_metrics({{"O"}}, {{"O", "O"}}), Contains("sentence 0 has 1 true tags but 2 predicted"));
}

namespace {
// Sentences about people and places, written as a CoNLL file: "[PER] lived in [LOC] .",
// "[PER] met [PER] in [LOC] .", "[PER] visited the city of [LOC] ."; a person is a first name,
// a surname or both (B-PER I-PER), so a surname's tag depends on the word before it.
std::filesystem::path write_ner_file(const testing::ScratchDir& dir, const std::string& name, uint64_t seed, int n) {
  Generator gen(seed);
  auto pick = [&](const std::vector<std::string>& list) { return list[gen.next_u64() % list.size()]; };
  std::string text;
  auto word = [&](const std::string& w, const std::string& tag) { text += w + " " + tag + "\n"; };
  auto person = [&] {
    switch (gen.next_u64() % 3) {
      case 0: word(pick(kFirstNames), "B-PER"); break;
      case 1: word(pick(kSurnames), "B-PER"); break;
      default: word(pick(kFirstNames), "B-PER"), word(pick(kSurnames), "I-PER");
    }
  };
  for (int i = 0; i < n; ++i) {
    person();
    switch (gen.next_u64() % 3) {
      case 0: word("lived", "O"), word("in", "O"); break;
      case 1: word("met", "O"), person(), word("in", "O"); break;
      default: word("visited", "O"), word("the", "O"), word("city", "O"), word("of", "O");
    }
    word(pick(kCities), "B-LOC");
    word(".", "O");
    text += "\n";
  }
  return dir.write(name, text);
}
}  // namespace

TEST_CASE("finetune: a tiny BERT learns to tag people and places (entity F1 >= 95%)", "[finetune][ner]") {
  testing::ScratchDir dir("finetune_ner");
  const auto tok = ner_tokenizer(dir);
  const auto train = read_conll_file(write_ner_file(dir, "train.txt", 1, 1000));
  const auto held_out = read_conll_file(write_ner_file(dir, "dev.txt", 2, 200), train.label_names);
  CHECK(train.label_names == std::vector<std::string>{"B-LOC", "B-PER", "I-PER", "O"});
  BertConfig config;
  config.vocab_size = static_cast<int64_t>(tok.vocab().size());
  config.hidden_size = 32;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 64;
  config.max_position_embeddings = 64;
  config.id2label = train.label_names;
  BertForTokenClassification model(config);
  Generator gen(0);
  init_bert_weights(model, config.initializer_range, gen);

  const auto before = evaluate_token_classification(model, tok, held_out, 32);
  TrainingArguments args;
  args.max_steps = 150;
  args.per_device_train_batch_size = 16;
  args.learning_rate = 3e-3;
  args.disable_tqdm = true;
  Trainer trainer(
      model, args, static_cast<int64_t>(train.size()),
      [&](const std::vector<int64_t>& rows) { return token_classification_step(model, tok, train, rows, 32); },
      [&] { return evaluate_token_classification(model, tok, held_out, 32); });
  trainer.train();
  const double f1 = trainer.last_metrics().at("eval_f1");
  INFO("held-out entity F1 " << f1 << " (before training " << before.at("f1") << ")");
  CHECK(before.at("f1") < 0.5);
  CHECK(f1 >= 0.95);
  CHECK(trainer.last_metrics().at("eval_accuracy") >= 0.95);
}
