// Lab 04, one training step by hand (examples/lab04_training_step.cpp), on the repository's tiny-bert
// against PyTorch (tests/fixtures/lab04/tiny-bert.json, made by tests/golden/make_lab04_golden.py):
// the labels, the MLM loss, every parameter's gradient norm in named_parameters() order, the autograd
// graph file, the loss after one AdamW step and the drop it predicts; then every output line the
// lab's pages quote (docs/labs/en|ko/04-training-step.md) against what the program prints.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "examples/lab/python_print.h"  // defines: torch_repr
#include "tests/support/page_quotes.h"  // defines: quoted_output_lines
#include "tests/support/run_bertlab.h"  // defines: run_program, read_file

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// What each cell printed: the lines after "In [n]: ..." and its "...: " continuation lines.
std::map<int, std::vector<std::string>> lab04_cell_outputs(const std::string& out) {
  static const std::regex header(R"(^In \[(\d+)\]: )"), continuation(R"(^ *\.\.\.: )");
  std::map<int, std::vector<std::string>> cells;
  int current = 0;
  std::istringstream lines(out);
  std::smatch m;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, header)) current = std::stoi(m[1]);
    else if (!line.empty() && !std::regex_search(line, continuation)) cells[current].push_back(line);
  }
  return cells;
}

// A printed line as its text with every number replaced by '#', and the numbers as printed:
// "a -> 7.87 b 2e-09" -> {"a -> # b #", {"7.87", "2e-09"}}. Digits inside names count too
// ("layer.0."), and must then be equal.
struct Lab04Numbers {
  std::string text;
  std::vector<std::string> numbers;
};
Lab04Numbers lab04_numbers(const std::string& line) {
  static const std::regex number(R"(-?\d+(\.\d*)?(e[-+]?\d+)?)");
  Lab04Numbers split;
  split.text = std::regex_replace(line, number, "#");
  for (auto it = std::sregex_iterator(line.begin(), line.end(), number); it != std::sregex_iterator(); ++it)
    split.numbers.push_back(it->str());
  return split;
}

// Half a unit in the last printed digit: "0.0121" -> 5e-5, "1.8383e-09" -> 5e-14, "2071" -> 0.5.
double lab04_half_unit(const std::string& printed) {
  const size_t e = printed.find('e'), dot = printed.find('.');
  const std::string mantissa = printed.substr(0, e);
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(mantissa.size() - dot - 1);
  const int exponent = e == std::string::npos ? 0 : std::stoi(printed.substr(e + 1));
  return 0.5 * std::pow(10.0, exponent - decimals);
}

// A number the lab printed against PyTorch's: float noise (1e-4 relative, 1e-6 absolute: gradients
// of size ~1, summed in another order) plus the rounding of the printed digits.
bool lab04_close(const std::string& printed, double torch) {
  return std::fabs(std::stod(printed) - torch) <= 1e-4 * std::fabs(torch) + 1e-6 + lab04_half_unit(printed);
}

}  // namespace

TEST_CASE("torch_repr: a 0-dim float tensor as torch prints it", "[lab04][lab]") {
  using bertlab::Tensor;
  using bertlab::lab::torch_repr;
  // print(torch.tensor(v)) in torch 2.9 (tests/golden/requirements.txt), v as commented.
  CHECK(torch_repr(Tensor::scalar(0.01214f)) == "tensor(0.0121)");
  CHECK(torch_repr(Tensor::scalar(123.456789f)) == "tensor(123.4568)");
  CHECK(torch_repr(Tensor::scalar(0.00012345f)) == "tensor(0.0001)");       // not below 1e-4: fixed
  CHECK(torch_repr(Tensor::scalar(9.99999e-5f)) == "tensor(1.0000e-04)");   // below 1e-4: scientific
  CHECK(torch_repr(Tensor::scalar(3.7e-9f)) == "tensor(3.7000e-09)");
  CHECK(torch_repr(Tensor::scalar(0.0f)) == "tensor(0.)");                  // whole numbers: no decimals
  CHECK(torch_repr(Tensor::scalar(-3.0f)) == "tensor(-3.)");
  CHECK(torch_repr(Tensor::scalar(1.5e9f)) == "tensor(1.5000e+09)");        // whole, above 1e8: scientific
  CHECK(torch_repr(Tensor::scalar(std::numeric_limits<float>::infinity())) == "tensor(inf)");
  CHECK(torch_repr(Tensor::scalar(std::nanf(""))) == "tensor(nan)");
  CHECK_THROWS_WITH(torch_repr(Tensor::zeros({2})), Contains("expected a 0-dim tensor, got [2]"));
}

TEST_CASE("lab04: one training step on tiny-bert gives PyTorch's numbers, and the pages quote them", "[lab04][lab][golden]") {
  // This golden and the pages' quotes belong to the repository's tiny-bert only, so they are read
  // from tests/fixtures, not from every fixture root (as fill-mask's, tests/pipelines/test_fill_mask.cpp).
  const fs::path fixtures = fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures";
  const fs::path model = fixtures / "models" / "tiny-bert";
  std::ifstream golden_file(fixtures / "lab04" / "tiny-bert.json");
  REQUIRE(golden_file);
  const nlohmann::json golden = nlohmann::json::parse(golden_file);

  // In a folder of its own: the lab writes loss_graph.dot where it runs.
  const fs::path work = fs::temp_directory_path() / fmt::format("bertlab_lab04_{}", getpid());
  fs::create_directories(work);
  const bertlab::testing::Run run = bertlab::testing::run_program(
      fs::path(BERTLAB_BINARY_DIR) / "examples" / "lab04_training_step", fmt::format("\"{}\"", model.string()),
      fmt::format("cd \"{}\" &&", work.string()));
  const std::string graph = bertlab::testing::read_file(work / "loss_graph.dot");
  fs::remove_all(work);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto cells = lab04_cell_outputs(run.out);
  for (int n = 20; n <= 26; ++n) CHECK_THAT(run.out, Contains(fmt::format("In [{}]: ", n)));

  {
    INFO("labels: -100 but at the [MASK], which holds cookies' id");
    REQUIRE(cells.count(21));
    const Lab04Numbers labels = lab04_numbers(cells.at(21).at(0));
    REQUIRE(labels.numbers.size() == golden["labels"].size());
    for (size_t i = 0; i < labels.numbers.size(); ++i) CHECK(std::stoll(labels.numbers[i]) == golden["labels"][i]);
  }
  {
    INFO("the loss: PyTorch's, within 1e-5 + 1e-6 relative (golden.h's rule for losses)");
    const double loss = std::stod(cells.at(22).at(0)), torch = golden["loss_before"];
    CHECK(std::fabs(loss - torch) <= 1e-5 + 1e-6 * std::fabs(torch));
  }
  {
    INFO("the graph: written before backward, with every parameter as a named leaf");
    CHECK(cells.at(23) == std::vector<std::string>{"Out[23]: 'loss_graph.dot'"});
    CHECK_THAT(graph, Contains("digraph autograd"));
    CHECK_THAT(graph, Contains("label=\"cross_entropy\\n[]\""));
    for (const auto& entry : golden["grad_norms"]) CHECK_THAT(graph, Contains(fmt::format("label=\"{}\\n", entry[0].get<std::string>())));
  }
  {
    INFO("every parameter's gradient norm, by name and in PyTorch's order");
    const std::vector<std::string>& lines = cells.at(24);
    REQUIRE(lines.size() == golden["grad_norms"].size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string name = golden["grad_norms"][i][0], line = lines[i];
      const double torch = golden["grad_norms"][i][1];
      CAPTURE(line, torch);
      REQUIRE(line.rfind(name + " tensor(", 0) == 0);
      CHECK(lab04_close(line.substr(name.size() + 8, line.size() - name.size() - 9), torch));
    }
  }
  {
    INFO("one AdamW step: the loss after it, and the drop -lr * sum|g| it predicts");
    const std::vector<std::string>& lines = cells.at(26);
    REQUIRE(lines.size() == 2);
    const Lab04Numbers losses = lab04_numbers(lines[0]), change = lab04_numbers(lines[1]);
    REQUIRE(losses.text == "# -> #");
    REQUIRE(change.text == "# predicted: #");
    const double before = golden["loss_before"], after = golden["loss_after"];
    // One step of Adam turns each gradient into about ±lr, so the float noise of tiny gradients moves the
    // loss by a few 1e-7: the loss rule still holds.
    CHECK(std::fabs(std::stod(losses.numbers[1]) - after) <= 1e-5 + 1e-6 * std::fabs(after));
    CHECK(after < before);
    CHECK(std::fabs(std::stod(change.numbers[0]) - (after - before)) <= 2e-5);
    CHECK(lab04_close(change.numbers[1], -golden["adamw"]["lr"].get<double>() * golden["grad_l1"].get<double>()));
  }
  {
    INFO("the pages quote what the lab prints on tiny-bert");
    std::vector<Lab04Numbers> printed;
    for (const auto& [n, lines] : cells)
      for (const std::string& line : lines) printed.push_back(lab04_numbers(line));
    for (const char* lang : {"en", "ko"}) {
      const fs::path page = fs::path(BERTLAB_SOURCE_DIR) / "docs" / "labs" / lang / "04-training-step.md";
      const std::vector<std::string> quoted = bertlab::testing::quoted_output_lines(page);
      CAPTURE(page.string());
      CHECK(quoted.size() >= golden["grad_norms"].size() + 4);  // labels, loss, Out[23], the norms, In [26]
      for (const std::string& line : quoted) {
        const Lab04Numbers q = lab04_numbers(line);
        const bool found = std::any_of(printed.begin(), printed.end(), [&](const Lab04Numbers& p) {
          if (p.text != q.text || p.numbers.size() != q.numbers.size()) return false;
          for (size_t i = 0; i < q.numbers.size(); ++i)
            if (!lab04_close(q.numbers[i], std::stod(p.numbers[i]))) return false;
          return true;
        });
        CAPTURE(line);
        CHECK(found);
      }
    }
  }
}
