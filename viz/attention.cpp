#include "viz/attention.h"  // defines: AttentionMaps, check_attention_maps, attention_layer_svg

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tensor/error.h"  // defines: BERT_CHECK
#include "viz/svg.h"       // defines: Svg, heat_color

namespace bertlab::viz {

int64_t check_attention_maps(const AttentionMaps& maps) {
  BERT_CHECK(!maps.attentions.empty(),
             "attention maps: no layers: expected one [1, N, S, S] tensor per layer, got none. "
             "Hint: call forward with output_attentions = true");
  const int64_t S = static_cast<int64_t>(maps.tokens.size());
  const int64_t N = maps.attentions[0].dim() == 4 ? maps.attentions[0].size(1) : 0;
  for (size_t l = 0; l < maps.attentions.size(); ++l) {
    const Shape& shape = maps.attentions[l].shape();
    BERT_CHECK(shape == Shape({1, N, S, S}),
               "attention maps: layer {} has the wrong shape: expected [1, {}, {}, {}] (one sequence of {} tokens), "
               "got {}. Hint: pass one sequence, not a batch",
               l, N, S, S, S, shape);
  }
  BERT_CHECK(N > 0 && S > 0, "attention maps: empty: expected N > 0 heads and S > 0 tokens, got N = {}, S = {}", N, S);
  return N;
}

namespace {

// The width in pixels of a label: code points (not UTF-8 bytes) times an average glyph width.
double label_width(const std::string& text, double font_size) {
  const auto code_points = std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; });
  return static_cast<double>(code_points) * font_size * 0.62 + 6;
}

// One head's heatmap with its top-left corner (of the cells) at (x0, y0): tokens along the
// left (queries, the rows) and the top (keys, the columns, rotated).
void draw_head(Svg& svg, const float* probs, const std::vector<std::string>& tokens, double x0, double y0,
               double cell, double font, std::string_view caption) {
  const int64_t S = static_cast<int64_t>(tokens.size());
  svg.text(x0 + cell * S / 2, y0 + cell * S + font + 6, caption, font + 1, Anchor::middle);
  for (int64_t i = 0; i < S; ++i) {
    svg.text(x0 - 4, y0 + cell * (i + 0.5) + font * 0.35, tokens[i], font, Anchor::end);
    svg.text(x0 + cell * (i + 0.5) + font * 0.35, y0 - 4, tokens[i], font, Anchor::start, -90);
    for (int64_t j = 0; j < S; ++j) {
      const float p = probs[i * S + j];  // query i reads key j with probability p
      svg.rect(x0 + cell * j, y0 + cell * i, cell, cell, heat_color(p),
               fmt::format("{} \u2192 {}: {:.3f}", tokens[i], tokens[j], p));
    }
  }
}

}  // namespace

std::string attention_layer_svg(const AttentionMaps& maps, int64_t layer) {
  const int64_t N = check_attention_maps(maps);
  const int64_t L = static_cast<int64_t>(maps.attentions.size());
  BERT_CHECK(layer >= 0 && layer < L, "attention_layer_svg: no layer {}: expected 0 <= layer < {}", layer, L);
  const int64_t S = static_cast<int64_t>(maps.tokens.size());
  const double cell = std::clamp(220.0 / S, 5.0, 18.0), font = std::min(11.0, cell * 0.8 + 2);
  double labels = 0;  // room for the longest token label, left of and above each heatmap
  for (const std::string& t : maps.tokens) labels = std::max(labels, label_width(t, font));
  const auto cols = static_cast<int64_t>(std::ceil(std::sqrt(N))), rows = (N + cols - 1) / cols;  // near square
  const double panel_w = labels + cell * S + 16, panel_h = labels + cell * S + font + 16, top = 30;

  Svg svg(cols * panel_w + 10, top + rows * panel_h + 10);
  svg.text(10, 20, fmt::format("layer {} ({} heads): row = query token, column = key token it attends to", layer, N),
           13);
  const float* probs = maps.attentions[layer].data();  // [1, N, S, S]
  for (int64_t h = 0; h < N; ++h) {
    const double x0 = 10 + (h % cols) * panel_w + labels, y0 = top + (h / cols) * panel_h + labels;
    draw_head(svg, probs + h * S * S, maps.tokens, x0, y0, cell, font, fmt::format("head {}", h));
  }
  return svg.str();
}

std::vector<std::filesystem::path> write_attention_svgs(const AttentionMaps& maps, const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> written;
  for (int64_t l = 0; l < static_cast<int64_t>(maps.attentions.size()); ++l) {
    written.push_back(dir / fmt::format("layer_{}.svg", l));
    write_text_file(written.back(), attention_layer_svg(maps, l));
  }
  return written;
}

}  // namespace bertlab::viz
