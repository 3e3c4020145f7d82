#include <catch2/catch.hpp>

#include "viz/svg.h"  // defines: Svg, escape_xml, heat_color

using namespace bertlab::viz;

TEST_CASE("escape_xml: the five XML special characters become entities", "[viz]") {
  CHECK(escape_xml(R"(a<b & "c" 'd'>)") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  CHECK(escape_xml("##ing \xC3\xA9") == "##ing \xC3\xA9");  // UTF-8 passes through untouched
  CHECK(escape_xml("&amp;") == "&amp;amp;");                 // escaping is not idempotent, on purpose
}

TEST_CASE("heat_color: white at 0, mid blue at 0.25 (sqrt = 0.5), dark blue at 1, clamped", "[viz]") {
  CHECK(heat_color(0) == "#ffffff");
  CHECK(heat_color(0.25) == "#6baed6");  // sqrt(0.25) = 0.5: the middle stop (107, 174, 214)
  CHECK(heat_color(1) == "#08306b");     // the last stop (8, 48, 107)
  // sqrt(1/16) = 1/4, halfway between white and the middle stop: (181, 214.5, 234.5), rounded half away.
  CHECK(heat_color(1.0 / 16) == "#b5d7eb");
  CHECK(heat_color(-3) == "#ffffff");
  CHECK(heat_color(7) == "#08306b");
  CHECK(heat_color(std::nan("")) == "#ffffff");
}

TEST_CASE("Svg: one svg element with escaped text and tooltips", "[viz]") {
  Svg svg(100, 50);
  svg.rect(1, 2, 3, 4, "#ff0000", "\"x\" < y");
  svg.text(10, 20, "a < b & c", 12, Anchor::middle, -90);
  const std::string s = svg.str();
  CHECK(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\"", 0) == 0);
  CHECK(s.substr(s.size() - 7) == "</svg>\n");
  CHECK_THAT(s, Catch::Contains("<title>&quot;x&quot; &lt; y</title>"));
  CHECK_THAT(s, Catch::Contains(">a &lt; b &amp; c</text>"));
  CHECK_THAT(s, Catch::Contains("text-anchor=\"middle\" transform=\"rotate(-90 10.00 20.00)\""));
}
