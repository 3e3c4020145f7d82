#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>  // prints a Shape as [2, 3]

#include "bert/for_masked_lm.h"      // defines: BertForMaskedLM
#include "tensor/autograd.h"         // defines: to_dot
#include "tensor/ops.h"              // defines: sum, mul
#include "tensor/random.h"           // defines: Generator
#include "tests/support/tiny_config.h"  // defines: tiny_config
#include "tests/support/fixtures.h"  // defines: running_in_ci
#include "viz/graph.h"               // defines: name_parameters, dot_to_svg

using namespace bertlab;

namespace {

bool graphviz_installed() { return std::system("dot -V > /dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("to_dot: quotes and backslashes in names are escaped, the loss is highlighted", "[viz][autograd]") {
  Tensor w = Tensor::ones({2}).requires_grad_();
  w.set_name(R"(odd"name\)");
  const std::string dot = to_dot(sum(mul(w, w)));
  CHECK_THAT(dot, Catch::Contains(R"(label="odd\"name\\\n[2]")"));
  CHECK_THAT(dot, Catch::Contains(R"(fillcolor=orange, label="sum\n[]")"));
}

TEST_CASE("name_parameters: the MLM loss graph names every parameter by its checkpoint key", "[viz][bert]") {
  bert::BertConfig config = testing::tiny_config();
  config.num_hidden_layers = 1;  // one layer keeps the graph small
  bert::BertForMaskedLM model(config);
  Generator gen(0);
  bert::init_bert_weights(model, config.initializer_range, gen);
  model.eval();
  viz::name_parameters(model);
  const IntTensor input_ids({1, 5, 6, 2}, {1, 4}), labels({-100, 7, -100, -100}, {1, 4});  // predict 7 at 1
  const Tensor loss = model.forward(input_ids, {}, {}, labels).loss;
  const std::string dot = to_dot(loss);
  for (const auto& [name, param] : model.named_parameters())
    CHECK_THAT(dot, Catch::Contains(fmt::format("label=\"{}\\n{}\"", name, param.shape())));
  CHECK_THAT(dot, Catch::Contains("label=\"cross_entropy\\n[]\""));

  if (!graphviz_installed()) {
    if (testing::running_in_ci()) FAIL("Graphviz's dot is not installed (run's DEBIAN_PACKAGES has graphviz)");
    testing::report_skip("Graphviz's dot is not installed; the SVG half of this test did not run");
    return;
  }
  const std::string svg = viz::dot_to_svg(dot);
  CHECK_THAT(svg, Catch::Contains("<svg") && Catch::Contains("bert.embeddings.word_embeddings.weight"));
}
