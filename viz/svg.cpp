#include "viz/svg.h"  // defines: Svg, escape_xml, heat_color, write_text_file

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include "tensor/error.h"  // defines: BERT_CHECK

namespace bertlab::viz {

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Three stops, white -> mid blue -> dark blue, interpolated linearly in RGB at t = sqrt(p): a
// row of S probabilities averages 1/S, which the square root lifts off white (p = 0.04 -> t = 0.2),
// while 0 stays white and 1 stays the darkest.
std::string heat_color(double p) {
  using Rgb = std::array<double, 3>;
  constexpr Rgb stops[3] = {{255, 255, 255}, {107, 174, 214}, {8, 48, 107}};
  p = std::isfinite(p) ? std::sqrt(std::clamp(p, 0.0, 1.0)) : 0.0;
  const int i = p < 0.5 ? 0 : 1;
  const double t = (p - 0.5 * i) * 2;
  Rgb c;
  for (int k = 0; k < 3; ++k) c[k] = stops[i][k] + t * (stops[i + 1][k] - stops[i][k]);
  return fmt::format("#{:02x}{:02x}{:02x}", static_cast<int>(std::lround(c[0])), static_cast<int>(std::lround(c[1])),
                     static_cast<int>(std::lround(c[2])));
}

// ---- Svg ----------------------------------------------------------------------------------

Svg::Svg(double width, double height) : width_(width), height_(height) {}

void Svg::rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip) {
  body_ += fmt::format(R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="{}")", x, y, w, h,
                       escape_xml(fill));
  body_ += tooltip.empty() ? "/>\n" : fmt::format("><title>{}</title></rect>\n", escape_xml(tooltip));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width) {
  body_ += fmt::format(R"(<line x1="{:.2f}" y1="{:.2f}" x2="{:.2f}" y2="{:.2f}" stroke="{}" stroke-width="{}"/>)"
                       "\n",
                       x1, y1, x2, y2, escape_xml(stroke), width);
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width) {
  std::string coords;
  for (const auto& [x, y] : points) coords += fmt::format("{:.2f},{:.2f} ", x, y);
  body_ += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="{}" points="{}"/>)"
                       "\n",
                       escape_xml(stroke), width, coords);
}

void Svg::text(double x, double y, std::string_view text, double size, Anchor anchor, double rotate) {
  constexpr const char* anchors[] = {"start", "middle", "end"};
  const std::string transform =
      rotate == 0 ? "" : fmt::format(R"svg( transform="rotate({} {:.2f} {:.2f})")svg", rotate, x, y);
  body_ += fmt::format(R"(<text x="{:.2f}" y="{:.2f}" font-size="{}" text-anchor="{}"{}>{}</text>)"
                       "\n",
                       x, y, size, anchors[static_cast<int>(anchor)], transform, escape_xml(text));
}

std::string Svg::str() const {
  return fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
                     R"(font-family="DejaVu Sans, Helvetica, Arial, sans-serif">)"
                     "\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{2}</svg>\n",
                     std::ceil(width_), std::ceil(height_), body_);
}

void Svg::save(const std::filesystem::path& path) const { write_text_file(path, str()); }

void write_text_file(const std::filesystem::path& path, std::string_view text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  BERT_CHECK(out.good(), "viz: cannot write {}: the file could not be opened. Hint: is the folder writable?",
             path.string());
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  BERT_CHECK(out.good(), "viz: writing {} failed (disk full?)", path.string());
}

}  // namespace bertlab::viz
