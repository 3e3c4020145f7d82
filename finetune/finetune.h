// Fine-tuning tasks: how a batch of examples becomes a loss (for finetune::Trainer) and how a trained
// model is evaluated, for sequence classification, token classification (NER) and extractive
// question answering.
//
//   auto loss_fn = [&](const std::vector<int64_t>& rows) { return classification_step(model, tok, train, rows, 128); };
//   finetune::Trainer trainer(model, args, train.size(), loss_fn, [&] { return evaluate_classification(model, tok, dev, 128); });
// The same loss functions serve the CLI (bertlab finetune-cls / finetune-qa) and the tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "finetune/classification_data.h"           // defines: ClassificationDataset
#include "bert/for_question_answering.h"        // defines: BertForQuestionAnswering
#include "bert/for_sequence_classification.h"   // defines: BertForSequenceClassification
#include "bert/for_token_classification.h"      // defines: BertForTokenClassification
#include "finetune/token_classification_data.h"     // defines: TokenClassificationDataset
#include "finetune/squad.h"                         // defines: SquadExample, QaFeatures, QaPrediction
#include "finetune/trainer.h"                         // defines: StepOutput
#include "tokenizer/bert_tokenizer.h"           // defines: BertTokenizer

namespace bertlab::finetune {

// ---------------------------------------------------------------------------------------------
// Sequence classification
// ---------------------------------------------------------------------------------------------

// Tokenize rows `rows` of the dataset (padding to the longest, truncation to max_length) and
// return the cross-entropy loss of the model on them.
finetune::StepOutput classification_step(const bert::BertForSequenceClassification& model, const tokenizer::BertTokenizer& tok,
                                   const ClassificationDataset& data, const std::vector<int64_t>& rows,
                                   int64_t max_length);

// Softmax probabilities [N][K] of every row, in eval mode and without autograd.
std::vector<std::vector<float>> predict_classification(bert::BertForSequenceClassification& model,
                                                       const tokenizer::BertTokenizer& tok,
                                                       const ClassificationDataset& data, int64_t max_length,
                                                       int64_t batch_size = 32);

// {"accuracy", and "f1" for two labels}, in [0, 1].
std::map<std::string, double> evaluate_classification(bert::BertForSequenceClassification& model,
                                                      const tokenizer::BertTokenizer& tok,
                                                      const ClassificationDataset& data, int64_t max_length,
                                                      int64_t batch_size = 32);

// ---------------------------------------------------------------------------------------------
// Token classification (NER)
// ---------------------------------------------------------------------------------------------

// The loss on sentences `rows`: tags on each word's first wordpiece (encode_token_classification).
finetune::StepOutput token_classification_step(const bert::BertForTokenClassification& model,
                                               const tokenizer::BertTokenizer& tok,
                                               const TokenClassificationDataset& data, const std::vector<int64_t>& rows,
                                               int64_t max_length);

// The predicted tag (an index into label_names) of every word, read at its first wordpiece; -1 for
// a word cut off by max_length (run_ner.py leaves those out of the evaluation). Eval mode, no autograd.
std::vector<std::vector<int64_t>> predict_token_classification(bert::BertForTokenClassification& model,
                                                               const tokenizer::BertTokenizer& tok,
                                                               const TokenClassificationDataset& data,
                                                               int64_t max_length, int64_t batch_size = 32);

// seqeval's {"precision", "recall", "f1", "accuracy"} in [0, 1] (finetune/seqeval.h) over the
// words that fit in max_length.
std::map<std::string, double> evaluate_token_classification(bert::BertForTokenClassification& model,
                                                            const tokenizer::BertTokenizer& tok,
                                                            const TokenClassificationDataset& data, int64_t max_length,
                                                            int64_t batch_size = 32);

// ---------------------------------------------------------------------------------------------
// Question answering
// ---------------------------------------------------------------------------------------------

// The start/end loss of windows `rows` of the features.
finetune::StepOutput qa_step(const bert::BertForQuestionAnswering& model, const QaFeatures& features,
                       const std::vector<int64_t>& rows);

// Answers for the examples whose windows are `features`, in eval mode and without autograd.
std::vector<QaPrediction> predict_qa(bert::BertForQuestionAnswering& model, const std::vector<SquadExample>& examples,
                                     const QaFeatures& features, int64_t batch_size = 16);

// {"exact_match", "f1"} in percent.
std::map<std::string, double> evaluate_qa(bert::BertForQuestionAnswering& model, const std::vector<SquadExample>& examples,
                                          const QaFeatures& features, int64_t batch_size = 16);

}  // namespace bertlab::finetune
