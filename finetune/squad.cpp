#include "finetune/squad.h"  // defines: read_squad, prepare_qa_features, postprocess_qa_predictions, metrics

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <type_traits>

#include "tensor/error.h"      // defines: BERT_CHECK
#include "tensor/json_file.h"  // defines: read_text_file, parse_json_object, read_field, json_excerpt
#include "tokenizer/unicode.h"  // defines: decode_utf8, encode_utf8

namespace bertlab::finetune {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Reading: {"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers"}]}]}]}
// ---------------------------------------------------------------------------------------------

namespace {
// A required field, read as every JSON field is (json/parse.h › read_field).
template <typename T>
T field(const json& object, const char* key, const fs::path& path) {
  T value{};
  read_field<Error>(object, key, value, "read_squad: " + path.string() + " (a SQuAD v1.1 file?)", /*required=*/true);
  return value;
}
}  // namespace

std::vector<SquadExample> read_squad(const fs::path& path) {
  // parse_json_object refuses deep nesting, which would overflow the stack when `field` copies
  // a value, and cuts long quotes from error messages.
  const json root = parse_json_object(read_text_file(path, "read_squad"), "read_squad: " + path.string());
  std::vector<SquadExample> out;
  for (const json& article : field<json>(root, "data", path)) {
    const auto title = article.contains("title") ? field<std::string>(article, "title", path) : "";
    for (const json& paragraph : field<json>(article, "paragraphs", path)) {
      const auto context = field<std::string>(paragraph, "context", path);
      for (const json& qa : field<json>(paragraph, "qas", path)) {
        SquadExample ex{field<std::string>(qa, "id", path), title, field<std::string>(qa, "question", path), context, {}};
        for (const json& answer : field<json>(qa, "answers", path))
          ex.answers.push_back({field<std::string>(answer, "text", path), field<int64_t>(answer, "answer_start", path)});
        out.push_back(std::move(ex));
      }
    }
  }
  return out;
}

std::vector<SquadExample> select_articles(std::vector<SquadExample> examples, int64_t begin, int64_t end) {
  std::vector<SquadExample> kept;
  int64_t article = -1;
  std::string title;
  for (SquadExample& ex : examples) {
    if (article < 0 || ex.title != title) ++article, title = ex.title;
    if (article >= begin && article < end) kept.push_back(std::move(ex));
  }
  return kept;
}

std::vector<std::string> check_squad_answers(const std::vector<SquadExample>& examples) {
  std::vector<std::string> problems;
  for (const SquadExample& ex : examples) {
    const std::u32string context = tokenizer::decode_utf8(ex.context);  // answer_start counts code points
    const auto context_length = static_cast<int64_t>(context.size());
    for (const SquadAnswer& a : ex.answers) {
      const std::u32string text = tokenizer::decode_utf8(a.text);
      std::string problem;
      if (a.answer_start < 0)
        problem = fmt::format("answer_start {} is negative", a.answer_start);
      else if (a.answer_start > context_length - static_cast<int64_t>(text.size()))  // answer_start + size could overflow
        problem = fmt::format("answer_start {} + {} code points of \"{}\" is past the end of the context ({} code "
                              "points)", a.answer_start, text.size(), a.text, context_length);
      else if (context.compare(a.answer_start, text.size(), text) != 0)
        problem = fmt::format("the answer \"{}\" is not at answer_start {}: the context has \"{}\" there", a.text,
                              a.answer_start, tokenizer::encode_utf8(context.substr(a.answer_start, text.size())));
      if (!problem.empty()) problems.push_back(fmt::format("question \"{}\": {}", ex.id, problem));
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Features. A window's context tokens are those with token_type_id 1 that are not special.
// The label is the first token whose span starts at or before the answer's first character
// ... walking inwards from both ends of the context, as run_qa.py does.
// ---------------------------------------------------------------------------------------------

namespace {
bool is_context(const tokenizer::Encoding& w, size_t i) {
  return w.token_type_ids[i] == 1 && w.special_tokens_mask[i] == 0;
}

// (start, end) token labels of `answer` in window `w`, or (0, 0) when it is not fully inside.
std::pair<int64_t, int64_t> label_window(const tokenizer::Encoding& w, int64_t start_char, int64_t end_char) {
  int64_t first = 0, last = static_cast<int64_t>(w.size()) - 1;
  while (first < last && !is_context(w, first)) ++first;
  while (last > first && !is_context(w, last)) --last;
  if (!is_context(w, first) || w.offset_mapping[first].first > start_char || w.offset_mapping[last].second < end_char)
    return {0, 0};
  while (first <= last && w.offset_mapping[first].first <= start_char) ++first;
  while (last >= 0 && w.offset_mapping[last].second >= end_char) --last;
  return {first - 1, last + 1};
}
}  // namespace

QaFeatures prepare_qa_features(const tokenizer::BertTokenizer& tokenizer, const std::vector<SquadExample>& examples,
                               int64_t max_length, int64_t doc_stride) {
  BERT_CHECK(doc_stride >= 0 && doc_stride < max_length, "prepare_qa_features: doc_stride: expected an integer in "
             "[0, max_length = {}), got {}", max_length, doc_stride);
  tokenizer::EncodeOptions options;
  options.truncation = tokenizer::Truncation::only_second;
  options.max_length = max_length;
  options.stride = doc_stride;
  options.return_overflowing_tokens = true;
  options.padding = tokenizer::Padding::max_length;
  QaFeatures out;
  for (size_t e = 0; e < examples.size(); ++e) {
    const SquadExample& ex = examples[e];
    // run_qa strips the question's leading whitespace (some SQuAD questions have a lot).
    const std::string question = ex.question.substr(std::min(ex.question.find_first_not_of(" \t\n"), ex.question.size()));
    tokenizer::BatchEncoding batch = tokenizer(std::vector<std::string>{question}, std::vector<std::string>{ex.context}, options);
    for (tokenizer::Encoding& w : batch.rows) {
      std::pair<int64_t, int64_t> label{0, 0};
      if (!ex.answers.empty()) {  // the first answer is the training target
        const SquadAnswer& a = ex.answers.front();
        const auto length = static_cast<int64_t>(tokenizer::decode_utf8(a.text).size());
        // answer_start comes from the file: saturate, not overflow (such an answer is in no window).
        constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
        label = label_window(w, a.answer_start, a.answer_start > kMax - length ? kMax : a.answer_start + length);
      }
      out.start_positions.push_back(label.first);
      out.end_positions.push_back(label.second);
      out.example_index.push_back(static_cast<int64_t>(e));
      out.windows.push_back(std::move(w));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Post-processing
// ---------------------------------------------------------------------------------------------

namespace {
std::vector<int64_t> top_k(const std::vector<float>& logits, int64_t k) {
  std::vector<int64_t> index(logits.size());
  std::iota(index.begin(), index.end(), 0);
  k = std::min<int64_t>(k, static_cast<int64_t>(index.size()));
  std::partial_sort(index.begin(), index.begin() + k, index.end(),
                    [&](int64_t a, int64_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  index.resize(k);
  return index;
}

// The candidates of one window, appended to `out`.
void window_candidates(const tokenizer::Encoding& w, const std::vector<float>& start, const std::vector<float>& end,
                       int64_t n_best, int64_t max_answer_length, std::vector<QaPrediction>& out) {
  for (int64_t s : top_k(start, n_best))
    for (int64_t e : top_k(end, n_best)) {
      if (!is_context(w, s) || !is_context(w, e) || e < s || e - s + 1 > max_answer_length) continue;
      out.push_back({"", w.offset_mapping[s].first, w.offset_mapping[e].second,
                     static_cast<double>(start[s]) + static_cast<double>(end[e]), 0.0});
    }
}
}  // namespace

std::vector<QaPrediction> postprocess_qa_predictions(const std::vector<SquadExample>& examples,
                                                     const QaFeatures& features,
                                                     const std::vector<std::vector<float>>& start_logits,
                                                     const std::vector<std::vector<float>>& end_logits,
                                                     int64_t n_best_size, int64_t max_answer_length) {
  BERT_CHECK(start_logits.size() == features.windows.size() && end_logits.size() == features.windows.size(),
             "postprocess_qa_predictions: expected one row of logits per window ({}), got {} and {}",
             features.windows.size(), start_logits.size(), end_logits.size());
  std::vector<std::vector<QaPrediction>> candidates(examples.size());
  for (size_t i = 0; i < features.windows.size(); ++i)
    window_candidates(features.windows[i], start_logits[i], end_logits[i], n_best_size, max_answer_length,
                      candidates[features.example_index[i]]);
  std::vector<QaPrediction> out;
  for (size_t e = 0; e < examples.size(); ++e) {
    auto& c = candidates[e];
    std::stable_sort(c.begin(), c.end(), [](const QaPrediction& a, const QaPrediction& b) { return a.score > b.score; });
    if (c.size() > static_cast<size_t>(n_best_size)) c.resize(n_best_size);
    if (c.empty()) {  // as run_qa: an empty answer when no span is valid
      out.push_back({});
      continue;
    }
    double sum = 0.0;  // softmax over the n-best scores, as run_qa's "probability"
    for (const auto& p : c) sum += std::exp(p.score - c.front().score);
    QaPrediction best = c.front();
    best.probability = 1.0 / sum;
    const std::u32string context = tokenizer::decode_utf8(examples[e].context);
    best.text = tokenizer::encode_utf8(context.substr(best.start, best.end - best.start));
    out.push_back(best);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Metrics (SQuAD v1.1 evaluate-v1.1.py), on code points as Python's str does it.
// ---------------------------------------------------------------------------------------------

namespace {

// Python's str.isspace(), what str.split() splits on: U+00A0 (no-break space) counts.
bool is_space(char32_t c) {
  const std::string_view cat = tokenizer::category(c);
  return cat == "Zs" || cat == "Zl" || cat == "Zp" || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) ||
         c == 0x85;
}

// What the regex \w matches in a Python str: letters and numbers of any script, and '_'.
bool is_word(char32_t c) {
  const std::string_view cat = tokenizer::category(c);
  return c == U'_' || cat[0] == 'L' || cat[0] == 'N';
}

// normalize_answer's steps: lower(), drop string.punctuation (ASCII only), replace each
// \b(a|an|the)\b by a space, split on whitespace. Lower-casing is per character, so Python's
// two context rules (final 'Σ' -> 'ς', 'İ' -> "i̇") are not applied.
std::vector<std::string> normalized_tokens(const std::string& s) {
  std::u32string text;
  for (char32_t c : tokenizer::decode_utf8(s))
    if (c >= 0x80 || !std::ispunct(static_cast<int>(c))) text += tokenizer::lowercase(c);
  std::vector<std::string> out;
  std::u32string word;
  const auto end_word = [&] {
    if (!word.empty()) out.push_back(tokenizer::encode_utf8(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t article = 0;  // the length of an article that starts a word at i, else 0
    if (i == 0 || !is_word(text[i - 1]))
      for (std::u32string_view a : {U"the", U"an", U"a"})
        if (text.compare(i, a.size(), a) == 0 && (i + a.size() == text.size() || !is_word(text[i + a.size()]))) {
          article = a.size();
          break;
        }
    if (article > 0 || is_space(text[i]))
      end_word();
    else
      word += text[i];
    i += std::max<size_t>(article, 1);
  }
  end_word();
  return out;
}

}  // namespace

std::string normalize_answer(const std::string& s) {
  std::string out;
  for (const std::string& w : normalized_tokens(s)) out += (out.empty() ? "" : " ") + w;
  return out;
}

double exact_match_score(const std::string& prediction, const std::string& ground_truth) {
  return normalize_answer(prediction) == normalize_answer(ground_truth) ? 1.0 : 0.0;
}

double f1_score(const std::string& prediction, const std::string& ground_truth) {
  std::vector<std::string> pred = normalized_tokens(prediction), truth = normalized_tokens(ground_truth);
  std::map<std::string, int64_t> counts;  // Counter(pred) & Counter(truth)
  for (const auto& w : truth) ++counts[w];
  int64_t same = 0;
  for (const auto& w : pred)
    if (counts[w]-- > 0) ++same;
  if (same == 0) return 0.0;
  const double precision = static_cast<double>(same) / static_cast<double>(pred.size());
  const double recall = static_cast<double>(same) / static_cast<double>(truth.size());
  return 2 * precision * recall / (precision + recall);
}

std::map<std::string, double> squad_metrics(const std::vector<QaPrediction>& predictions,
                                            const std::vector<SquadExample>& examples) {
  BERT_CHECK(predictions.size() == examples.size(), "squad_metrics: expected one prediction per example ({}), got {}",
             examples.size(), predictions.size());
  double em = 0.0, f1 = 0.0;
  for (size_t i = 0; i < examples.size(); ++i) {
    double best_em = 0.0, best_f1 = 0.0;
    for (const SquadAnswer& a : examples[i].answers) {
      best_em = std::max(best_em, exact_match_score(predictions[i].text, a.text));
      best_f1 = std::max(best_f1, f1_score(predictions[i].text, a.text));
    }
    em += best_em;
    f1 += best_f1;
  }
  const double n = static_cast<double>(std::max<size_t>(examples.size(), 1));
  return {{"exact_match", 100.0 * em / n}, {"f1", 100.0 * f1 / n}};
}

}  // namespace bertlab::finetune
