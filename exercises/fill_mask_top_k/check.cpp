// Grades exercises/fill_mask_top_k: a case worked out by hand (with a tie), large logits that
// overflow a naive exp, then random logits against the library's top_k_probabilities.
#include <cmath>

#include "exercises/fill_mask_top_k/fill_mask_top_k.h"
#include "exercises/grader.h"

using namespace bertlab;
using namespace bertlab::exercises;
using Top = std::vector<pipelines::TokenProbability>;

namespace {

std::string show(const Top& top) {
  std::string s;
  for (const auto& t : top) s += fmt::format("{}{{{}, {:.6g}}}", s.empty() ? "" : ", ", t.token, t.probability);
  return "[" + s + "]";
}

std::string expect(const Top& got, const Top& expected, double rtol) {
  bool same = got.size() == expected.size();
  for (size_t i = 0; same && i < got.size(); ++i)
    same = got[i].token == expected[i].token &&
           std::abs(got[i].probability - expected[i].probability) <= 1e-9 + rtol * expected[i].probability;
  return same ? "" : fmt::format("expected {}, got {}", show(expected), show(got));
}

}  // namespace

int main(int argc, char** argv) {
  Grader grader(argc, argv, "fill_mask_top_k", "pipelines/fill_mask.cpp › top_k_probabilities");

  grader.check("[0, ln 3, 0], k = 2 -> {1, 0.6}, {0, 0.2} (a tie: the smaller id first)", [&] {
    const Tensor logits = Tensor::from_vector({0, std::log(3.0f), 0}, {1, 1, 3});
    return expect(fill_mask_top_k(logits, 0, 2), {{1, 0.6f}, {0, 0.2f}}, 1e-6);
  });
  grader.check("the row at `position`, not the first one: position 1 of [1, 2, 3]", [&] {
    const Tensor logits = Tensor::from_vector({9, 0, 0, 0, 0, 9}, {1, 2, 3});
    const float p = std::exp(9.0f) / (std::exp(9.0f) + 2);
    return expect(fill_mask_top_k(logits, 1, 1), {{2, p}}, 1e-6);
  });
  grader.check("large logits (100, 90): no overflow, probabilities 1/(1 + e^-10) and e^-10/(1 + e^-10)", [&] {
    const Tensor logits = Tensor::from_vector({90, 100}, {1, 1, 2});
    const float e = std::exp(-10.0f);
    return expect(fill_mask_top_k(logits, 0, 2), {{1, 1 / (1 + e)}, {0, e / (1 + e)}}, 1e-5);
  });
  struct Case { int64_t S, V, position, k; };
  for (const Case& c : {Case{3, 50, 2, 5}, Case{12, 2079, 6, 10}, Case{5, 30522, 0, 5}}) {
    grader.check(fmt::format("random logits [1, {}, {}], position {}, k = {}, against the library", c.S, c.V, c.position, c.k),
                 [&] {
                   Generator gen(c.V);
                   const Tensor logits = random_tensor({1, c.S, c.V}, gen, 3.0f);
                   return expect(fill_mask_top_k(logits, c.position, c.k),
                                 pipelines::top_k_probabilities(logits, c.position, c.k), 1e-5);
                 });
  }
  return grader.finish();
}
