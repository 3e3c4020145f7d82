// SQuAD: the official metrics (values computed by hand), window labels and post-processing.
#include <catch2/catch.hpp>

#include "finetune/squad.h"                  // defines: prepare_qa_features, postprocess_qa_predictions, metrics
#include "tests/tokenizer/tiny_vocab.h"  // defines: tiny_vocab, ScratchDir
#include "tensor/error.h"                // defines: Error

using namespace bertlab;
using namespace bertlab::finetune;
using Catch::Matchers::Contains;

TEST_CASE("normalize_answer: lower-case, no punctuation, no articles, single spaces", "[squad]") {
  CHECK(normalize_answer("The  Cat, sat!") == "cat sat");
  CHECK(normalize_answer("An apple a day") == "apple day");
  CHECK(normalize_answer("  theatre ") == "theatre");  // "the" only as a whole word
  CHECK(normalize_answer("U.S.A.") == "usa");
  // Unicode, as Python's str: the expected values are evaluate-v1.1.py's normalize_answer.
  CHECK(normalize_answer("\u0141azienki Park") == "\u0142azienki park");  // Ł -> ł
  CHECK(normalize_answer("New\u00a0York") == "new york");                 // no-break space splits
  CHECK(normalize_answer("the\u2013a") == "\u2013");                       // an en dash is a word boundary
  CHECK(normalize_answer("a_the an1 The.A") == "athe an1 thea");         // '_' and '.' are punctuation
}

TEST_CASE("exact_match_score and f1_score: SQuAD v1.1's definitions", "[squad]") {
  CHECK(exact_match_score("the cat", "Cat") == 1.0);
  CHECK(exact_match_score("cat sat", "cat") == 0.0);
  // pred {cat, sat, on, mat}, truth {cat, on, mat}: 3 common, P = 3/4, R = 1, F1 = 6/7.
  CHECK(f1_score("the cat sat on the mat", "a cat on a mat") == Approx(6.0 / 7.0));
  // bags, not sets: pred {red, red}, truth {red}: 1 common, P = 1/2, R = 1, F1 = 2/3.
  CHECK(f1_score("red red", "red") == Approx(2.0 / 3.0));
  CHECK(f1_score("blue", "red") == 0.0);
}

TEST_CASE("squad_metrics: best over the ground truths, averaged, in percent", "[squad]") {
  std::vector<SquadExample> examples = {{"1", "", "q", "c", {{"red car", 0}, {"car", 4}}},
                                        {"2", "", "q", "c", {{"blue", 0}}}};
  std::vector<QaPrediction> predictions(2);
  predictions[0].text = "the car";    // EM 1 (= "car"), F1 1
  predictions[1].text = "dark blue";  // EM 0, F1 2/3
  const auto m = squad_metrics(predictions, examples);
  CHECK(m.at("exact_match") == Approx(50.0));
  CHECK(m.at("f1") == Approx(100.0 * (1.0 + 2.0 / 3.0) / 2.0));
}

namespace {
// Question "want" = [5]; context "un , . ! hello don" = [9, 12, 15, 16, 20, 19]; with max_length 7
// and stride 1 the windows hold context tokens [0, 3), [2, 5), [4, 6) (tests/tokenizer/test_overflow.cpp).
std::vector<SquadExample> hello_example() {
  return {{"1", "", "want", "un , . ! hello don", {{"hello", 9}}}};
}
}  // namespace

TEST_CASE("prepare_qa_features: answer tokens per window, [CLS] (0) when outside", "[squad]") {
  const tokenizer::BertTokenizer tok(testing::tiny_vocab());
  const QaFeatures f = prepare_qa_features(tok, hello_example(), 7, 1);
  REQUIRE(f.windows.size() == 3);
  CHECK(f.example_index == std::vector<int64_t>{0, 0, 0});
  // Window 0 = [CLS] want [SEP] un , . [SEP]: no "hello". Window 1 = ... . ! hello [SEP]:
  // index 5. Window 2 = [CLS] want [SEP] hello don [SEP] [PAD]: index 3.
  CHECK(f.start_positions == std::vector<int64_t>{0, 5, 3});
  CHECK(f.end_positions == std::vector<int64_t>{0, 5, 3});
}

TEST_CASE("prepare_qa_features: answer_start counts code points, not bytes", "[squad]") {
  const tokenizer::BertTokenizer tok(testing::tiny_vocab());
  // "café" is 4 code points (5 bytes): "hello" starts at code point 5. Tokens: [CLS] want [SEP]
  // [UNK] hello [SEP] -> hello is token 4.
  const std::vector<SquadExample> examples = {{"1", "", "want", "caf\xc3\xa9 hello", {{"hello", 5}}}};
  const QaFeatures f = prepare_qa_features(tok, examples, 384, 128);
  REQUIRE(f.windows.size() == 1);
  CHECK(f.start_positions[0] == 4);
  CHECK(f.end_positions[0] == 4);
}

TEST_CASE("postprocess_qa_predictions: best valid span over all windows, mapped to text", "[squad]") {
  const tokenizer::BertTokenizer tok(testing::tiny_vocab());
  const auto examples = hello_example();
  const QaFeatures f = prepare_qa_features(tok, examples, 7, 1);
  std::vector<std::vector<float>> start(3, std::vector<float>(7, 0.0f)), end = start;
  start[0][1] = end[0][1] = 10.0f;  // the question token "want": not in the context, skipped
  start[1][5] = 5.0f;               // "hello": 5 + 4 = 9
  end[1][5] = 4.0f;
  end[1][3] = 6.0f;                 // ".": 0 + 6 = 6 as a span by itself; end < start for "hello"
  const auto predictions = postprocess_qa_predictions(examples, f, start, end);
  REQUIRE(predictions.size() == 1);
  CHECK(predictions[0].text == "hello");
  CHECK(predictions[0].start == 9);
  CHECK(predictions[0].end == 14);
  CHECK(predictions[0].score == Approx(9.0));
  // Spans longer than max_answer_length tokens are skipped: allow 1 token, make "! hello" best.
  start[1][5] = 0.0f;
  start[1][4] = 20.0f;
  CHECK(postprocess_qa_predictions(examples, f, start, end, 20, 1)[0].text == "!");
}

TEST_CASE("read_squad: SQuAD JSON into examples, a missing field names itself", "[squad]") {
  testing::ScratchDir dir("squad_reader");
  const auto good = dir.write("good.json", R"({"data": [{"title": "T", "paragraphs": [{"context": "the car is red .",
      "qas": [{"id": "q1", "question": "what color ?", "answers": [{"text": "red", "answer_start": 11}]}]}]}]})");
  const auto examples = read_squad(good);
  REQUIRE(examples.size() == 1);
  CHECK(examples[0].title == "T");
  CHECK(examples[0].answers[0].answer_start == 11);
  const auto bad = dir.write("bad.json", R"({"data": [{"paragraphs": [{"qas": []}]}]})");
  CHECK_THROWS_WITH(read_squad(bad), Contains("missing field \"context\""));
}

TEST_CASE("read_squad: a non-integer answer_start or deep nesting is an error, not undefined behaviour", "[squad]") {
  // nlohmann cast 1e30 to int64, which is undefined (UBSan in fuzz/fuzz_squad.cpp reports it), and
  // json::parse accepted any depth, which copying `data` then recursed through.
  testing::ScratchDir dir("squad_hostile");
  const auto huge = dir.write("huge.json", R"({"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "q",
      "question": "?", "answers": [{"text": "c", "answer_start": 1e30}]}]}]}]})");
  CHECK_THROWS_WITH(read_squad(huge), Contains("field \"answer_start\": expected an integer, got 1e+30"));
  const auto deep = dir.write("deep.json", "{\"data\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK_THROWS_WITH(read_squad(deep), Contains(deep.string()) && Contains("nested deeper than 256 levels"));
}

TEST_CASE("check_squad_answers: answer_start out of range, negative or off the text is reported", "[squad]") {
  // "Zürich is big." has 14 code points; "big" starts at code point 10 (byte 11).
  const std::string context = "Z\u00fcrich is big.";
  const std::vector<SquadExample> examples = {{"ok", "", "how big?", context, {{"big", 10}, {"Z\u00fcrich", 0}}},
                                              {"past", "", "q", context, {{"big", 9999}}},
                                              {"negative", "", "q", context, {{"big", -3}}},
                                              {"shifted", "", "q", context, {{"big", 11}}},  // the byte offset
                                              {"no answer", "", "q", context, {}},
                                              // answer_start + 3 overflowed int64 (fuzz/fuzz_squad.cpp)
                                              {"int64 max", "", "q", context, {{"big", INT64_MAX}}}};
  const std::vector<std::string> problems = check_squad_answers(examples);
  REQUIRE(problems.size() == 4);
  CHECK_THAT(problems[0], Contains("question \"past\"") && Contains("past the end of the context (14 code points)"));
  CHECK_THAT(problems[1], Contains("question \"negative\"") && Contains("answer_start -3 is negative"));
  CHECK_THAT(problems[2], Contains("question \"shifted\"") && Contains("the context has \"ig.\" there"));
  CHECK_THAT(problems[3], Contains("question \"int64 max\"") && Contains("past the end of the context"));
}

TEST_CASE("prepare_qa_features: an answer_start near INT64_MAX labels no window, without overflowing", "[squad]") {
  // answer_start + length overflowed int64 (UBSan in fuzz/fuzz_squad.cpp reports it).
  const tokenizer::BertTokenizer tok(testing::tiny_vocab());
  const std::vector<SquadExample> examples = {{"1", "", "want", "un , . ! hello don", {{"hello", INT64_MAX - 2}}}};
  const QaFeatures f = prepare_qa_features(tok, examples, 7, 1);
  CHECK(f.start_positions == std::vector<int64_t>{0, 0, 0});
  CHECK(f.end_positions == std::vector<int64_t>{0, 0, 0});
}

TEST_CASE("prepare_qa_features: a doc_stride below 0 or not below max_length is a range error", "[squad]") {
  const tokenizer::BertTokenizer tok(testing::tiny_vocab());
  const std::vector<SquadExample> examples = {{"1", "", "want", "hello want", {}}};
  CHECK_THROWS_WITH(prepare_qa_features(tok, examples, 16, -10),
                    Contains("doc_stride: expected an integer in [0, max_length = 16), got -10"));
  CHECK_THROWS_WITH(prepare_qa_features(tok, examples, 16, 16), Contains("got 16"));
}

TEST_CASE("select_articles: questions of articles begin to end - 1, an article being a run of one title", "[squad]") {
  std::vector<SquadExample> examples;
  for (const char* title : {"Seoul", "Seoul", "Jeju", "Moon", "Moon", "Moon", "Seoul"})  // "Seoul" again: a 4th article
    examples.push_back({std::to_string(examples.size()), title, "q", "c", {}});
  auto ids = [](const std::vector<SquadExample>& kept) {
    std::vector<std::string> out;
    for (const SquadExample& ex : kept) out.push_back(ex.id);
    return out;
  };
  CHECK(ids(select_articles(examples, 0, 1)) == std::vector<std::string>{"0", "1"});
  CHECK(ids(select_articles(examples, 1, 3)) == std::vector<std::string>{"2", "3", "4", "5"});
  CHECK(ids(select_articles(examples, 3, 10)) == std::vector<std::string>{"6"});
  CHECK(select_articles(examples, 4, 8).empty());
  CHECK(select_articles(examples, 2, 1).empty());
}
