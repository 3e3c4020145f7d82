#include "finetune/seqeval.h"  // defines: get_entities, seqeval_metrics

#include <algorithm>
#include <set>

#include "tensor/error.h"  // defines: BERT_CHECK

namespace bertlab::finetune {

namespace {

// "B-PER" -> prefix 'B', type "PER"; "O" -> 'O', "_" (seqeval: tag[0], tag[1:].split('-', 1)[-1] or '_').
std::pair<char, std::string> split_tag(const std::string& tag) {
  if (tag.empty()) return {'O', "_"};
  const std::string rest = tag.substr(1);
  const size_t dash = rest.find('-');
  std::string type = dash == std::string::npos ? rest : rest.substr(dash + 1);
  return {tag[0], type.empty() ? "_" : type};
}

// Does an entity end before this tag? (seqeval's end_of_chunk)
bool end_of_chunk(char prev, char tag, const std::string& prev_type, const std::string& type) {
  if (prev == 'E' || prev == 'S') return true;
  if ((prev == 'B' || prev == 'I') && (tag == 'B' || tag == 'S' || tag == 'O')) return true;
  return prev != 'O' && prev != '.' && prev_type != type;  // a new type ends the old entity
}

// Does an entity start at this tag? (seqeval's start_of_chunk)
bool start_of_chunk(char prev, char tag, const std::string& prev_type, const std::string& type) {
  if (tag == 'B' || tag == 'S') return true;
  if ((prev == 'E' || prev == 'S' || prev == 'O') && (tag == 'E' || tag == 'I')) return true;
  return tag != 'O' && tag != '.' && prev_type != type;
}

}  // namespace

std::vector<Entity> get_entities(const std::vector<std::string>& tags) {
  std::vector<Entity> entities;
  char prev = 'O';
  std::string prev_type;
  int64_t begin = 0;
  const int64_t n = static_cast<int64_t>(tags.size());
  for (int64_t i = 0; i <= n; ++i) {  // one "O" past the end closes the last entity
    const auto [tag, type] = i < n ? split_tag(tags[i]) : std::pair<char, std::string>{'O', "_"};
    if (end_of_chunk(prev, tag, prev_type, type)) entities.push_back({prev_type, begin, i - 1});
    if (start_of_chunk(prev, tag, prev_type, type)) begin = i;
    prev = tag;
    prev_type = type;
  }
  return entities;
}

std::map<std::string, double> seqeval_metrics(const std::vector<std::vector<std::string>>& true_tags,
                                              const std::vector<std::vector<std::string>>& predicted_tags) {
  BERT_CHECK(true_tags.size() == predicted_tags.size(), "seqeval_metrics: {} true sentences but {} predicted",
             true_tags.size(), predicted_tags.size());
  // One sequence, an "O" after each sentence, as seqeval joins them: no entity spans two sentences.
  std::vector<std::string> all_true, all_pred;
  int64_t tags_right = 0, tags_total = 0;
  for (size_t s = 0; s < true_tags.size(); ++s) {
    BERT_CHECK(true_tags[s].size() == predicted_tags[s].size(),
               "seqeval_metrics: sentence {} has {} true tags but {} predicted", s, true_tags[s].size(),
               predicted_tags[s].size());
    for (size_t w = 0; w < true_tags[s].size(); ++w) tags_right += true_tags[s][w] == predicted_tags[s][w];
    tags_total += static_cast<int64_t>(true_tags[s].size());
    all_true.insert(all_true.end(), true_tags[s].begin(), true_tags[s].end());
    all_pred.insert(all_pred.end(), predicted_tags[s].begin(), predicted_tags[s].end());
    all_true.push_back("O");
    all_pred.push_back("O");
  }
  const std::vector<Entity> t = get_entities(all_true), p = get_entities(all_pred);
  const std::set<Entity> truth(t.begin(), t.end());
  const int64_t n_true = static_cast<int64_t>(t.size()), n_pred = static_cast<int64_t>(p.size());
  const int64_t n_correct = std::count_if(p.begin(), p.end(), [&](const Entity& e) { return truth.count(e) > 0; });
  auto ratio = [](int64_t a, int64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); };
  const double precision = ratio(n_correct, n_pred), recall = ratio(n_correct, n_true);
  const double f1 = precision + recall == 0.0 ? 0.0 : 2 * precision * recall / (precision + recall);
  return {{"precision", precision}, {"recall", recall}, {"f1", f1}, {"accuracy", ratio(tags_right, tags_total)}};
}

}  // namespace bertlab::finetune
