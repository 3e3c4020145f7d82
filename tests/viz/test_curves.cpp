#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "viz/curves.h"  // defines: HistoryWriter, read_history, nice_ticks, history_plot_svg

using namespace bertlab::viz;

namespace {

// A file in the temporary folder, its name unique to this process (test runs may overlap).
std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / fmt::format("bertlab-test-curves-{}-{}", getpid(), name);
}

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
  const auto path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("nice_ticks: round steps of 1, 2 or 5 times a power of ten", "[viz]") {
  CHECK_THAT(nice_ticks(0, 1, 5), Catch::Approx(std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  // range 400 / 5 = 80 -> step 100; the ticks inside [0, 400]
  CHECK_THAT(nice_ticks(0, 400, 5), Catch::Approx(std::vector<double>{0, 100, 200, 300, 400}));
  // range 0.0034 / 5 = 0.00068 -> step 0.001 (0.0001, 0.0002 and 0.0005 are too small)
  CHECK_THAT(nice_ticks(0.0013, 0.0047, 5), Catch::Approx(std::vector<double>{0.002, 0.003, 0.004}));
  CHECK(nice_ticks(2, 2).size() == 1);
}

TEST_CASE("read_history: one curve per numeric key, in order of first appearance", "[viz]") {
  const auto path = temp_file("ok.jsonl",
                              "{\"step\": 1, \"loss\": 3.5, \"lr\": 0.001, \"tag\": \"warmup\"}\n"
                              "\n"
                              "{\"step\": 2, \"loss\": null, \"lr\": 0.002}\n"
                              "{\"step\": 3, \"loss\": 2.5, \"lr\": 0.002, \"accuracy\": 0.5}\n");
  const std::vector<Curve> curves = read_history(path);
  REQUIRE(curves.size() == 3);
  CHECK(curves[0].key == "loss");  // "tag" is a string and a null loss is no point
  CHECK(curves[0].points == std::vector<std::pair<double, double>>{{1, 3.5}, {3, 2.5}});
  CHECK(curves[1].key == "lr");
  CHECK(curves[1].points.size() == 3);
  CHECK(curves[2].key == "accuracy");
  CHECK(curves[2].points == std::vector<std::pair<double, double>>{{3, 0.5}});
}

TEST_CASE("read_history: a bad line is an error naming the file and line", "[viz]") {
  CHECK_THROWS_WITH(read_history(temp_file("bad.jsonl", "{\"step\": 1, \"loss\": 1}\n{\"loss\": 2}\n")),
                    Catch::Contains("bad.jsonl line 2: not a history record") && Catch::Contains("numeric \"step\""));
  CHECK_THROWS_WITH(read_history(temp_file("trunc.jsonl", "{\"step\": 1, \"lo")), Catch::Contains("line 1"));
  CHECK_THROWS_WITH(read_history(temp_file("empty.jsonl", "")), Catch::Contains("nothing to plot"));
  CHECK_THROWS_WITH(read_history("/nonexistent/history.jsonl"), Catch::Contains("cannot read"));
}

TEST_CASE("HistoryWriter: lines read back as written, NaN becomes null and is skipped", "[viz]") {
  const auto path = temp_path("writer.jsonl");
  {
    HistoryWriter history(path);
    history.log(10, {{"loss", 2.0}, {"lr", 1e-3}});
    history.log(20, {{"loss", std::nan("")}, {"lr", 2e-3}});
  }
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  CHECK(first == R"({"step":10,"loss":2.0,"lr":0.001})");
  const std::vector<Curve> curves = read_history(path);
  CHECK(curves[0].points == std::vector<std::pair<double, double>>{{10, 2.0}});
  CHECK(curves[1].points == std::vector<std::pair<double, double>>{{10, 1e-3}, {20, 2e-3}});
}

TEST_CASE("history_plot_svg: a panel per key, each with its name, ticks and the step axis", "[viz]") {
  const std::vector<Curve> curves{{"loss", {{0, 4}, {100, 1}}}, {"lr", {{0, 0}, {100, 5e-3}}}};
  const std::string svg = history_plot_svg(curves, "run <1>");
  CHECK_THAT(svg, Catch::Contains(">run &lt;1&gt;</text>"));
  CHECK_THAT(svg, Catch::Contains(">loss  (last: 1)</text>") && Catch::Contains(">lr  (last: 0.005)</text>"));
  CHECK_THAT(svg, Catch::Contains(">0.004</text>") && Catch::Contains(">3</text>"));  // y ticks of each panel
  size_t polylines = 0, steps = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  for (size_t at = svg.find(">step</text>"); at != std::string::npos; at = svg.find(">step</text>", at + 1)) ++steps;
  CHECK(polylines == 2);
  CHECK(steps == 2);
}
