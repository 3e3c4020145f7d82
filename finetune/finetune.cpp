#include "finetune/finetune.h"  // defines: classification_step, qa_step, predict_*, evaluate_*

#include <algorithm>
#include <cmath>

#include "finetune/seqeval.h"  // defines: seqeval_metrics
#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/ops.h"       // defines: softmax

namespace bertlab::finetune {

namespace {

// The model inputs of some rows: input_ids, attention_mask, token_type_ids, each [B, S].
struct Inputs {
  IntTensor input_ids, attention_mask, token_type_ids;
  int64_t num_tokens = 0;
};

Inputs to_inputs(const tokenizer::BatchEncoding& batch) {
  const auto ids = batch.matrix("input_ids"), mask = batch.matrix("attention_mask"),
             types = batch.matrix("token_type_ids");
  Inputs in{IntTensor(ids.data, ids.shape), IntTensor(mask.data, mask.shape), IntTensor(types.data, types.shape)};
  for (int64_t m : mask.data) in.num_tokens += m;
  return in;
}

tokenizer::BatchEncoding encode_rows(const tokenizer::BertTokenizer& tok, const ClassificationDataset& data,
                                     const std::vector<int64_t>& rows, int64_t max_length) {
  tokenizer::EncodeOptions options;
  options.padding = true;  // to the longest row of this batch
  options.truncation = true;
  options.max_length = max_length;
  std::vector<std::string> texts, pairs;
  for (int64_t r : rows) {
    texts.push_back(data.texts[r]);
    if (!data.text_pairs.empty()) pairs.push_back(data.text_pairs[r]);
  }
  return pairs.empty() ? tok(texts, options) : tok(texts, pairs, options);
}

// Windows `rows` of QA features, cut to the longest real length among them: the padding
// beyond it is masked anyway, and a shorter S makes every matmul cheaper.
tokenizer::BatchEncoding window_batch(const QaFeatures& features, const std::vector<int64_t>& rows) {
  size_t longest = 0;
  for (int64_t r : rows) {
    const auto& mask = features.windows[r].attention_mask;
    longest = std::max<size_t>(longest, std::count(mask.begin(), mask.end(), 1));
  }
  tokenizer::BatchEncoding batch;
  for (int64_t r : rows) {
    tokenizer::Encoding w = features.windows[r];
    w.input_ids.resize(longest);
    w.attention_mask.resize(longest);
    w.token_type_ids.resize(longest);
    batch.rows.push_back(std::move(w));
  }
  return batch;
}

std::vector<int64_t> range(int64_t begin, int64_t end) {
  std::vector<int64_t> out;
  for (int64_t i = begin; i < end; ++i) out.push_back(i);
  return out;
}

// Row r of a [B, S] tensor as a vector.
std::vector<float> row(const Tensor& t, int64_t r) {
  const int64_t n = t.size(-1);
  return std::vector<float>(t.data() + r * n, t.data() + (r + 1) * n);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sequence classification
// ---------------------------------------------------------------------------------------------

finetune::StepOutput classification_step(const bert::BertForSequenceClassification& model, const tokenizer::BertTokenizer& tok,
                                   const ClassificationDataset& data, const std::vector<int64_t>& rows,
                                   int64_t max_length) {
  const Inputs in = to_inputs(encode_rows(tok, data, rows, max_length));
  std::vector<int64_t> labels;
  for (int64_t r : rows) labels.push_back(data.labels[r]);
  const IntTensor targets(labels, {static_cast<int64_t>(rows.size())});
  return {model.forward(in.input_ids, in.attention_mask, in.token_type_ids, targets).loss, in.num_tokens};
}

std::vector<std::vector<float>> predict_classification(bert::BertForSequenceClassification& model,
                                                       const tokenizer::BertTokenizer& tok,
                                                       const ClassificationDataset& data, int64_t max_length,
                                                       int64_t batch_size) {
  NoGradGuard no_grad;
  model.eval();
  std::vector<std::vector<float>> probabilities;
  for (int64_t begin = 0; begin < static_cast<int64_t>(data.size()); begin += batch_size) {
    const auto rows = range(begin, std::min<int64_t>(begin + batch_size, data.size()));
    const Inputs in = to_inputs(encode_rows(tok, data, rows, max_length));
    const Tensor probs = softmax(model.forward(in.input_ids, in.attention_mask, in.token_type_ids).logits);  // [B, K]
    for (size_t r = 0; r < rows.size(); ++r) probabilities.push_back(row(probs, r));
  }
  return probabilities;
}

std::map<std::string, double> evaluate_classification(bert::BertForSequenceClassification& model,
                                                      const tokenizer::BertTokenizer& tok,
                                                      const ClassificationDataset& data, int64_t max_length,
                                                      int64_t batch_size) {
  std::vector<int64_t> predictions;
  for (const auto& p : predict_classification(model, tok, data, max_length, batch_size))
    predictions.push_back(std::max_element(p.begin(), p.end()) - p.begin());
  const auto metrics = classification_metrics(predictions, data.labels, model.num_labels);
  return {metrics.begin(), metrics.end()};
}

// ---------------------------------------------------------------------------------------------
// Token classification (NER)
// ---------------------------------------------------------------------------------------------

finetune::StepOutput token_classification_step(const bert::BertForTokenClassification& model,
                                               const tokenizer::BertTokenizer& tok,
                                               const TokenClassificationDataset& data, const std::vector<int64_t>& rows,
                                               int64_t max_length) {
  const TokenClassificationBatch b = encode_token_classification(tok, data, rows, max_length);
  return {model.forward(b.input_ids, b.attention_mask, b.token_type_ids, b.labels).loss, b.num_tokens};
}

std::vector<std::vector<int64_t>> predict_token_classification(bert::BertForTokenClassification& model,
                                                               const tokenizer::BertTokenizer& tok,
                                                               const TokenClassificationDataset& data,
                                                               int64_t max_length, int64_t batch_size) {
  NoGradGuard no_grad;
  model.eval();
  std::vector<std::vector<int64_t>> predictions;
  for (int64_t begin = 0; begin < static_cast<int64_t>(data.size()); begin += batch_size) {
    const auto rows = range(begin, std::min<int64_t>(begin + batch_size, data.size()));
    const TokenClassificationBatch b = encode_token_classification(tok, data, rows, max_length);
    const Tensor logits = model.forward(b.input_ids, b.attention_mask, b.token_type_ids).logits;  // [B, S, K]
    const int64_t S = logits.size(1), K = logits.size(2);
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<int64_t> tags;
      for (int64_t start : b.word_starts[r]) {
        if (start < 0) {  // cut off by max_length
          tags.push_back(-1);
          continue;
        }
        const float* scores = logits.data() + (static_cast<int64_t>(r) * S + start) * K;
        tags.push_back(std::max_element(scores, scores + K) - scores);
      }
      predictions.push_back(std::move(tags));
    }
  }
  return predictions;
}

std::map<std::string, double> evaluate_token_classification(bert::BertForTokenClassification& model,
                                                            const tokenizer::BertTokenizer& tok,
                                                            const TokenClassificationDataset& data, int64_t max_length,
                                                            int64_t batch_size) {
  const auto predicted = predict_token_classification(model, tok, data, max_length, batch_size);
  std::vector<std::vector<std::string>> true_tags, predicted_tags;
  for (size_t s = 0; s < data.size(); ++s) {
    true_tags.emplace_back();
    predicted_tags.emplace_back();
    for (size_t w = 0; w < data.words[s].size(); ++w) {
      if (predicted[s][w] < 0) continue;  // a word max_length cut off is not scored, as in run_ner.py
      true_tags.back().push_back(data.label_names[data.tags[s][w]]);
      predicted_tags.back().push_back(data.label_names[predicted[s][w]]);
    }
  }
  return seqeval_metrics(true_tags, predicted_tags);
}

// ---------------------------------------------------------------------------------------------
// Question answering
// ---------------------------------------------------------------------------------------------

finetune::StepOutput qa_step(const bert::BertForQuestionAnswering& model, const QaFeatures& features,
                       const std::vector<int64_t>& rows) {
  const Inputs in = to_inputs(window_batch(features, rows));
  std::vector<int64_t> starts, ends;
  for (int64_t r : rows) {
    starts.push_back(features.start_positions[r]);
    ends.push_back(features.end_positions[r]);
  }
  const int64_t B = static_cast<int64_t>(rows.size());
  return {model.forward(in.input_ids, in.attention_mask, in.token_type_ids, IntTensor(starts, {B}), IntTensor(ends, {B}))
              .loss,
          in.num_tokens};
}

std::vector<QaPrediction> predict_qa(bert::BertForQuestionAnswering& model, const std::vector<SquadExample>& examples,
                                     const QaFeatures& features, int64_t batch_size) {
  NoGradGuard no_grad;
  model.eval();
  std::vector<std::vector<float>> start_logits, end_logits;
  for (int64_t begin = 0; begin < static_cast<int64_t>(features.windows.size()); begin += batch_size) {
    const auto rows = range(begin, std::min<int64_t>(begin + batch_size, features.windows.size()));
    const Inputs in = to_inputs(window_batch(features, rows));
    const bert::QuestionAnsweringModelOutput out = model.forward(in.input_ids, in.attention_mask, in.token_type_ids);
    for (size_t r = 0; r < rows.size(); ++r) {
      start_logits.push_back(row(out.start_logits, r));  // [S], S = the batch's longest window
      end_logits.push_back(row(out.end_logits, r));
    }
  }
  return postprocess_qa_predictions(examples, features, start_logits, end_logits);
}

std::map<std::string, double> evaluate_qa(bert::BertForQuestionAnswering& model, const std::vector<SquadExample>& examples,
                                          const QaFeatures& features, int64_t batch_size) {
  return squad_metrics(predict_qa(model, examples, features, batch_size), examples);
}

}  // namespace bertlab::finetune
