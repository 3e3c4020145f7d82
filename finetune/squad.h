// SQuAD question answering: read the JSON, turn examples into model windows, and turn the
// model's start/end logits back into answer text — the three steps of HF's run_qa.py.
//
//   auto examples = read_squad("dev-v1.1.json");                 // question, context, answers
//   QaFeatures f = prepare_qa_features(tokenizer, examples, 384, 128);
//   // f.windows[i]: [CLS] question [SEP] context-window [SEP]; f.start_positions[i] = token
//   // index of the answer's first token (0 = [CLS] when the answer is not inside the window)
//   auto predictions = postprocess_qa_predictions(examples, f, start_logits, end_logits);
// Character positions (answer_start, offsets) count Unicode code points, as Python's str does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer, Encoding

namespace bertlab::finetune {

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

struct SquadAnswer {
  std::string text;
  int64_t answer_start;  // code points into the context
};

struct SquadExample {
  std::string id, title, question, context;
  std::vector<SquadAnswer> answers;  // one in train, several human answers in dev
};

// Every question of a SQuAD v1.1 file, in file order; a missing field is an error naming it.
std::vector<SquadExample> read_squad(const std::filesystem::path& path);

// The questions of articles [begin, end) (0-based, in file order; an article is a run of
// questions with one title), so one file can be split by article: questions about one text
// must not land on both the training and the evaluation side.
std::vector<SquadExample> select_articles(std::vector<SquadExample> examples, int64_t begin, int64_t end);

// The answers whose answer_start does not point at their text: negative, past the context, or a
// different text there. run_qa.py trusts answer_start, so such an answer silently trains [CLS]
// ("not in this window") or the wrong words. One message per bad answer, naming its question id:
//   question "q7": answer_start 9999 is past the end of the context (57 code points)
std::vector<std::string> check_squad_answers(const std::vector<SquadExample>& examples);

// ---------------------------------------------------------------------------------------------
// Features: windows over the context with labels (HF run_qa's prepare_train_features)
// ---------------------------------------------------------------------------------------------

struct QaFeatures {
  std::vector<tokenizer::Encoding> windows;  // padded to max_length
  std::vector<int64_t> example_index;        // window -> its example
  std::vector<int64_t> start_positions, end_positions;  // token labels, 0 = not in the window
};

// doc_stride must be in [0, max_length).
QaFeatures prepare_qa_features(const tokenizer::BertTokenizer& tokenizer, const std::vector<SquadExample>& examples,
                               int64_t max_length = 384, int64_t doc_stride = 128);

// ---------------------------------------------------------------------------------------------
// Post-processing: the best span over all windows of an example
// ---------------------------------------------------------------------------------------------

struct QaPrediction {
  std::string text;
  int64_t start = 0, end = 0;  // [start, end) in code points of the context
  double score = 0.0;          // start_logit + end_logit
  double probability = 0.0;    // softmax of the score over the n-best candidates
};

// start_logits / end_logits: one row of max_length values per window. Candidates are the top
// n_best start and end tokens of each window, inside the context, end >= start, at most
// max_answer_length tokens long; the highest start+end logit wins.
std::vector<QaPrediction> postprocess_qa_predictions(const std::vector<SquadExample>& examples,
                                                     const QaFeatures& features,
                                                     const std::vector<std::vector<float>>& start_logits,
                                                     const std::vector<std::vector<float>>& end_logits,
                                                     int64_t n_best_size = 20, int64_t max_answer_length = 30);

// ---------------------------------------------------------------------------------------------
// Metrics: the official SQuAD v1.1 evaluation script
// ---------------------------------------------------------------------------------------------

// Lower-case, remove punctuation, remove the articles a/an/the, collapse whitespace.
std::string normalize_answer(const std::string& s);
double exact_match_score(const std::string& prediction, const std::string& ground_truth);  // 0 or 1
double f1_score(const std::string& prediction, const std::string& ground_truth);            // token bags
// {"exact_match", "f1"} in percent, each the max over an example's answers, averaged.
std::map<std::string, double> squad_metrics(const std::vector<QaPrediction>& predictions,
                                            const std::vector<SquadExample>& examples);

}  // namespace bertlab::finetune
