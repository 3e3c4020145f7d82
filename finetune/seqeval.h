// Entity-level precision, recall and F1 of tag sequences, as the seqeval package computes them by
// default (HF's run_ner.py reports these: overall_precision, overall_recall, overall_f1, overall_accuracy).
//
// Tags are IOB2: B-PER begins a PER entity, I-PER continues it, O is outside any entity.
//   words  Ada  Lovelace  lived  in  London
//   tags   B-PER I-PER    O      O   B-LOC      -> entities (PER, 0, 1), (LOC, 4, 4)
// An entity counts as found only when a predicted entity has the same type, start and end. With
// seqeval's default (no strict mode) an I-X that does not continue an X entity starts a new one,
// as the CoNLL evaluation script does: "O I-PER" is a PER entity. E-X and S-X (IOBES) are read too.
//   precision = correct / predicted entities,  recall = correct / true entities,
//   f1 = 2·p·r / (p + r),  accuracy = correct tags / all tags (token level); 0 for an empty count.
// seqeval: https://github.com/chakki-works/seqeval/blob/v1.2.2/seqeval/metrics/sequence_labeling.py
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace bertlab::finetune {

struct Entity {
  std::string type;  // "PER"; "_" for a tag without a type
  int64_t begin = 0, end = 0;  // word positions, both inclusive
  bool operator<(const Entity& o) const { return std::tie(type, begin, end) < std::tie(o.type, o.begin, o.end); }
  bool operator==(const Entity& o) const { return std::tie(type, begin, end) == std::tie(o.type, o.begin, o.end); }
};

// The entities of one sentence's tags (seqeval's get_entities).
std::vector<Entity> get_entities(const std::vector<std::string>& tags);

// {"precision", "recall", "f1", "accuracy"} in [0, 1], micro-averaged over all sentences.
// Sentences of true_tags and predicted_tags must have equal lengths.
std::map<std::string, double> seqeval_metrics(const std::vector<std::vector<std::string>>& true_tags,
                                              const std::vector<std::vector<std::string>>& predicted_tags);

}  // namespace bertlab::finetune
