// Svg: a tiny writer for SVG pictures (rectangles, lines, polylines, text), and XML escaping.
//
// SVG is plain XML text that every browser, slide program and paper toolchain shows, so the
// pictures of bertlab are written as strings, with no drawing library:
//   Svg svg(100, 50);
//   svg.rect(0, 0, 10, 10, "#08306b");
//   svg.text(20, 10, "a < b");   // written as  a &lt; b
//   svg.save("box.svg");         // <svg xmlns=... width="100" height="50"> ... </svg>
// Coordinates are pixels from the top-left corner, y pointing down.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bertlab::viz {

// Text made safe inside XML/HTML elements and attribute values: & < > " ' become entities.
std::string escape_xml(std::string_view text);

// A color of the attention colormap for p in [0, 1]: white (0) to dark blue (1), as "#rrggbb";
// sqrt(p) sets the shade, so that small probabilities are visible too.
std::string heat_color(double p);

enum class Anchor { start, middle, end };

class Svg {
 public:
  Svg(double width, double height);

  // A filled rectangle; `tooltip`, when given, shows on hover (an SVG <title>).
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke = "#444", double width = 1);
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width = 1.5);
  // Text with its baseline at (x, y); `rotate` turns it (degrees, clockwise) around (x, y).
  void text(double x, double y, std::string_view text, double size = 12, Anchor anchor = Anchor::start,
            double rotate = 0);

  std::string str() const;  // the whole document
  void save(const std::filesystem::path& path) const;

 private:
  double width_, height_;
  std::string body_;
};

// Write `text` to `path` (creating its folder), or throw a bertlab::Error naming the path.
void write_text_file(const std::filesystem::path& path, std::string_view text);

}  // namespace bertlab::viz
