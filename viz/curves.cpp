#include "viz/curves.h"  // defines: HistoryWriter, read_history, nice_ticks, history_plot_svg

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "json/parse.h"     // defines: parse_json
#include "tensor/error.h"  // defines: BERT_CHECK
#include "viz/svg.h"       // defines: Svg

namespace bertlab::viz {

// ---- Writing and reading the history ------------------------------------------------------

HistoryWriter::HistoryWriter(const std::filesystem::path& path) : path_(path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  out_.open(path);
  BERT_CHECK(out_.good(), "history: cannot write {}: the file could not be opened", path.string());
}

void HistoryWriter::log(int64_t step, const std::vector<std::pair<std::string, double>>& values) {
  nlohmann::ordered_json line{{"step", step}};
  for (const auto& [key, value] : values) line[key] = value;  // NaN and inf are written as null
  out_ << line.dump() << std::endl;                          // endl flushes: the line is on disk
  BERT_CHECK(out_.good(), "history: writing {} failed (disk full?)", path_.string());
}

std::vector<Curve> read_history(const std::filesystem::path& history_jsonl) {
  std::ifstream in(history_jsonl);
  BERT_CHECK(in.good(), "plot: cannot read {}: the file does not exist or is not readable", history_jsonl.string());
  std::vector<Curve> curves;
  std::string text;
  for (int line_no = 1; std::getline(in, text); ++line_no) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::ordered_json line;  // keys in file order: the curves come out in the order they were logged
    try {
      line = parse_json<Error, nlohmann::ordered_json>(text, history_jsonl.string());
    } catch (const Error&) {  // reported below, with the line number and a hint
    }
    BERT_CHECK(line.is_object() && line.contains("step") && line["step"].is_number(),
               "plot: {} line {}: not a history record: expected a JSON object with a numeric \"step\", got '{:.60}'. "
               "Hint: one object per line, e.g. {{\"step\": 1, \"loss\": 2.5}}",
               history_jsonl.string(), line_no, text);
    const double step = line["step"].get<double>();
    for (const auto& [key, value] : line.items()) {
      if (key == "step" || !value.is_number()) continue;
      auto it = std::find_if(curves.begin(), curves.end(), [&](const Curve& c) { return c.key == key; });
      if (it == curves.end()) it = curves.insert(curves.end(), Curve{key, {}});
      it->points.emplace_back(step, value.get<double>());
    }
  }
  BERT_CHECK(!curves.empty(),
             "plot: {} has nothing to plot: expected JSON lines with \"step\" and at least one other number, got none",
             history_jsonl.string());
  return curves;
}

// ---- Axes ---------------------------------------------------------------------------------

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; ++k) ticks.push_back(k * step);
  return ticks;
}

namespace {

struct Range {
  double lo, hi;
  double at(double v, double px_lo, double px_hi) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

// The values' range rounded out to whole ticks; a flat curve gets some room above and below.
Range range_of(const std::vector<double>& values) {
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*hi == *lo) {
    const double pad = *lo == 0 ? 1 : std::abs(*lo) * 0.1;
    return {*lo - pad, *hi + pad};
  }
  const std::vector<double> ticks = nice_ticks(*lo, *hi);  // at least two: a step is <= range / 2
  const double step = ticks[1] - ticks[0];
  return {std::floor(*lo / step) * step, std::ceil(*hi / step) * step};
}

std::string tick_label(double v) { return fmt::format("{:g}", std::abs(v) < 1e-12 ? 0.0 : v); }

constexpr double kWidth = 640, kPanel = 200, kLeft = 80, kRight = 20, kTop = 24, kBottom = 44;

// One curve in the panel whose top edge is at y: frame, grid and tick labels, the line, labels.
void draw_panel(Svg& svg, const Curve& curve, const Range& x, double y) {
  std::vector<double> values;
  for (const auto& p : curve.points) values.push_back(p.second);
  const Range yr = range_of(values);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = y + kPanel - kBottom, y1 = y + kTop;  // y0 = bottom
  for (double t : nice_ticks(yr.lo, yr.hi)) {
    const double py = yr.at(t, y0, y1);
    svg.line(x0, py, x1, py, "#e6e6e6");
    svg.text(x0 - 6, py + 4, tick_label(t), 11, Anchor::end);
  }
  for (double t : nice_ticks(x.lo, x.hi, 8)) {
    const double px = x.at(t, x0, x1);
    svg.line(px, y0, px, y0 + 5);
    svg.text(px, y0 + 18, tick_label(t), 11, Anchor::middle);
  }
  svg.line(x0, y0, x1, y0);
  svg.line(x0, y0, x0, y1);
  std::vector<std::pair<double, double>> pts;
  for (const auto& [s, v] : curve.points) pts.emplace_back(x.at(s, x0, x1), yr.at(v, y0, y1));
  svg.polyline(pts, "#1f77b4");
  if (pts.size() == 1) svg.rect(pts[0].first - 3, pts[0].second - 3, 6, 6, "#1f77b4");  // a lone point
  svg.text(x0 + 4, y1 - 6, fmt::format("{}  (last: {:g})", curve.key, curve.points.back().second), 13);
  svg.text(18, (y0 + y1) / 2, curve.key, 12, Anchor::middle, -90);
  svg.text((x0 + x1) / 2, y0 + 34, "step", 12, Anchor::middle);
}

}  // namespace

std::string history_plot_svg(const std::vector<Curve>& curves, const std::string& title) {
  std::vector<double> steps;
  for (const Curve& c : curves)
    for (const auto& p : c.points) steps.push_back(p.first);
  BERT_CHECK(!steps.empty(), "history_plot_svg: no points to plot: expected at least one curve with a point");
  auto [lo, hi] = std::minmax_element(steps.begin(), steps.end());
  const Range x = *hi > *lo ? Range{*lo, *hi} : Range{*lo - 1, *hi + 1};  // every panel shares the step axis

  Svg svg(kWidth, 30 + kPanel * static_cast<double>(curves.size()));
  svg.text(kWidth / 2, 20, title, 14, Anchor::middle);
  for (size_t i = 0; i < curves.size(); ++i) draw_panel(svg, curves[i], x, 30 + kPanel * static_cast<double>(i));
  return svg.str();
}

void write_history_plot(const std::filesystem::path& history_jsonl, const std::filesystem::path& out_svg) {
  write_text_file(out_svg, history_plot_svg(read_history(history_jsonl), history_jsonl.filename().string()));
}

}  // namespace bertlab::viz
