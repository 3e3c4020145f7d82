// Grades exercises/squad_span: cases worked out by hand for each rule (context only, end >= start,
// max_answer_length, n-best), then random windows against the library's post-processing.
#include "exercises/grader.h"
#include "exercises/squad_span/reference.h"  // defines: library_squad_span

using namespace bertlab;
using namespace bertlab::exercises;
using Logits = std::vector<float>;

namespace {

std::string show(const std::optional<Span>& s) { return s ? fmt::format("({}, {})", s->start, s->end) : "none"; }

std::string expect(const std::optional<Span>& got, const std::optional<Span>& expected) {
  const bool same = got.has_value() == expected.has_value() &&
                    (!got || (got->start == expected->start && got->end == expected->end));
  return same ? "" : fmt::format("expected {}, got {}", show(expected), show(got));
}

// [CLS] q q [SEP] c c c c c [SEP]: tokens 4..8 are the context.
const std::vector<bool> kContext = {false, false, false, false, true, true, true, true, true, false};

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "squad_span", "finetune/squad.cpp › postprocess_qa_predictions");

  grader.check("the best start and end in the context: (5, 6)", [&] {
    const Logits start = {0, 0, 0, 0, 1, 5, 2, 0, 0, 0}, end = {0, 0, 0, 0, 0, 1, 4, 2, 0, 0};
    return expect(squad_span(start, end, kContext), Span{5, 6});
  });
  grader.check("the top logits are on the question and [CLS]: they are skipped -> (4, 7)", [&] {
    const Logits start = {9, 8, 0, 0, 3, 0, 0, 0, 0, 0}, end = {9, 0, 8, 0, 0, 0, 0, 2, 0, 0};
    return expect(squad_span(start, end, kContext), Span{4, 7});
  });
  grader.check("end before start is not a span: best start 7 with end 5 loses to (5, 5)", [&] {
    const Logits start = {0, 0, 0, 0, 0, 3, 0, 4, 0, 0}, end = {0, 0, 0, 0, 0, 3, 0, 0, 0, 0};
    return expect(squad_span(start, end, kContext), Span{5, 5});
  });
  grader.check("max_answer_length 2: (4, 8) is 5 tokens long, (7, 8) wins", [&] {
    const Logits start = {0, 0, 0, 0, 5, 0, 0, 2, 0, 0}, end = {0, 0, 0, 0, 0, 0, 0, 0, 5, 0};
    return expect(squad_span(start, end, kContext, 20, 2), Span{7, 8});
  });
  grader.check("n_best_size 2: start 6 is only the third best start, so (8, 8) wins over (6, 6)", [&] {
    const Logits start = {0, 0, 0, 0, 0, 0, 3, 4, 5, 0}, end = {0, 0, 0, 0, 0, 0, 9, 0, 1, 0};
    return expect(squad_span(start, end, kContext, 2, 30), Span{8, 8});
  });
  grader.check("no context token among the n-best: no span (std::nullopt)", [&] {
    const Logits start = {5, 4, 0, 0, 0, 0, 0, 0, 0, 0}, end = {5, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    return expect(squad_span(start, end, kContext, 2, 30), std::nullopt);
  });
  struct Case { int64_t S, n_best, max_length; };
  for (const Case& c : {Case{12, 3, 4}, Case{64, 5, 10}, Case{384, 20, 30}}) {
    grader.check(fmt::format("200 random windows of {} tokens, n_best {}, max_answer_length {}, against the library", c.S,
                             c.n_best, c.max_length),
                 [&] {
                   Generator gen(c.S);
                   for (int trial = 0; trial < 200; ++trial) {
                     Logits start(c.S), end(c.S);
                     std::vector<bool> context(c.S);
                     const int64_t question = 1 + static_cast<int64_t>(gen.uniform() * (c.S / 3));
                     const int64_t padding = static_cast<int64_t>(gen.uniform() * (c.S / 4));
                     for (int64_t i = 0; i < c.S; ++i) {
                       start[i] = gen.normal(0, 2), end[i] = gen.normal(0, 2);
                       context[i] = i > question + 1 && i < c.S - padding - 1;
                     }
                     const std::string p = expect(squad_span(start, end, context, c.n_best, c.max_length),
                                                  library_squad_span(start, end, context, c.n_best, c.max_length));
                     if (!p.empty()) return fmt::format("window {}: {}", trial, p);
                   }
                   return std::string();
                 });
  }
  return grader.finish();
}
