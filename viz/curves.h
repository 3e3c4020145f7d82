// Training curves: a run's loss, learning rate and metrics, step by step, as a picture.
//
// A training loop appends one JSON object per logged step to history.jsonl (JSON lines):
//   {"step": 10, "loss": 2.31, "lr": 0.001}
//   {"step": 20, "loss": 1.87, "lr": 0.002, "accuracy": 0.41}
// and write_history_plot draws every numeric key against "step", one panel per key (a key that
// appears only at some steps, e.g. an eval metric, is drawn through the steps that have it):
//   HistoryWriter history("run/history.jsonl");
//   history.log(step, {{"loss", loss.item()}, {"lr", opt.lr}});
//   write_history_plot("run/history.jsonl", "run/curves.svg");
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace bertlab::viz {

// Appends {"step": step, key: value, ...} lines to a file (created or truncated when opened) and
// flushes each one, so a run that stops early still leaves its history.
class HistoryWriter {
 public:
  explicit HistoryWriter(const std::filesystem::path& path);
  void log(int64_t step, const std::vector<std::pair<std::string, double>>& values);

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

// A history read back: per key (in order of first appearance), its (step, value) points.
struct Curve {
  std::string key;
  std::vector<std::pair<double, double>> points;  // (step, value), in file order
};

// Parses history.jsonl; blank lines are skipped, values that are not numbers (null for a NaN
// loss, strings) are left out. Throws bertlab::Error naming the file and line when a line is not
// a JSON object with a numeric "step", or when there is nothing to plot.
std::vector<Curve> read_history(const std::filesystem::path& history_jsonl);

// Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `target`
// of them. nice_ticks(0, 1, 5) -> 0, 0.2, 0.4, 0.6, 0.8, 1.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// One SVG, a panel per curve stacked vertically: the curve, axes with ticks, the key and "step".
std::string history_plot_svg(const std::vector<Curve>& curves, const std::string& title);

// read_history + history_plot_svg, titled with the file's name.
void write_history_plot(const std::filesystem::path& history_jsonl, const std::filesystem::path& out_svg);

}  // namespace bertlab::viz
