// attention_html: the interactive page. The C++ side only writes data (tokens, probabilities,
// the colormap) as JSON into the page; the script in kPage draws it. Everything is inline, so
// the file works offline, from disk, attached to an e-mail.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "viz/attention.h"  // defines: attention_html
#include "viz/svg.h"        // defines: escape_xml, heat_color

namespace bertlab::viz {

namespace {

// The page. {title} and {data} are filled in by attention_html (fmt: literal braces doubled).
// The first script catches any script error into #errors, so a test (or a learner) sees it in
// the page; a successful render sets data-ok="1" on #render-status.
constexpr const char* kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Attention: {title}</title>
<script>window.onerror = function (msg, src, line) {{
  document.getElementById('errors').textContent += 'error: ' + msg + ' (line ' + line + ')\n'; }};</script>
<style>
body {{ font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 16px; color: #222; }}
h1 {{ font-size: 18px; margin: 0 0 8px 0; }}
#controls {{ margin: 8px 0; }} select {{ font-size: 14px; margin-right: 12px; }}
#thumbs canvas {{ border: 2px solid #ddd; margin-right: 6px; cursor: pointer; }}
#thumbs canvas.chosen {{ border-color: #d62728; }}
#hover {{ height: 20px; font-family: monospace; margin: 6px 0; }}
#map text {{ font-size: 12px; fill: #333; }} #map text.lit {{ fill: #d62728; font-weight: bold; }}
#map rect.lit {{ stroke: #d62728; stroke-width: 2; }}
#legend span {{ display: inline-block; width: 14px; height: 12px; }}
#errors {{ color: #b00; }}
</style></head>
<body>
<h1>Attention: {title}</h1>
<div>Row = query token, column = the key token it attends to; each row sums to 1.</div>
<div id="legend">attention 0 </div>
<div id="controls">Layer <select id="layer"></select> Head <select id="head"></select></div>
<div id="thumbs"></div>
<div id="hover">hover over a cell</div>
<div id="map"></div>
<pre id="errors"></pre>
<div id="render-status" data-ok="0"></div>
<script type="application/json" id="attention-data">{data}</script>
<script>
const data = JSON.parse(document.getElementById('attention-data').textContent);
const S = data.tokens.length, SVG = 'http://www.w3.org/2000/svg';
const color = p => data.palette[Math.round(Math.min(1, Math.max(0, p)) * (data.palette.length - 1))];
const layerSel = document.getElementById('layer'), headSel = document.getElementById('head');
let cells = [];  // the heatmap's rects, row-major: cells[i * S + j] is query i, key j
function options(select, n) {{
  for (let i = 0; i < n; i++) select.add(new Option(String(i), String(i)));
}}
function el(tag, attrs, text) {{
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;  // textContent: tokens are never parsed as markup
  return e;
}}
function drawThumbs(layer) {{
  const box = document.getElementById('thumbs');
  box.textContent = '';
  const px = Math.max(2, Math.floor(80 / S));
  data.attentions[layer].forEach((head, h) => {{
    const c = document.createElement('canvas');
    c.width = c.height = px * S;
    c.title = 'head ' + h;
    const g = c.getContext('2d');
    head.forEach((row, i) => row.forEach((p, j) => {{ g.fillStyle = color(p); g.fillRect(j * px, i * px, px, px); }}));
    c.onclick = () => {{ headSel.value = String(h); draw(); }};
    if (h === Number(headSel.value)) c.className = 'chosen';
    box.appendChild(c);
  }});
}}
function drawMap(layer, head) {{
  const probs = data.attentions[layer][head], cell = Math.max(8, Math.min(28, Math.floor(560 / S)));
  const pad = 12 + 7.5 * Math.max(...data.tokens.map(t => t.length));
  const svg = el('svg', {{ width: pad + cell * S + 10, height: pad + cell * S + 10 }});
  const rows = [], cols = [];
  data.tokens.forEach((t, i) => {{
    rows.push(svg.appendChild(el('text', {{ x: pad - 6, y: pad + cell * i + cell / 2 + 4, 'text-anchor': 'end' }}, t)));
    const x = pad + cell * i + cell / 2 + 4, y = pad - 6;
    cols.push(svg.appendChild(el('text', {{ x: x, y: y, transform: `rotate(-90 ${{x}} ${{y}})` }}, t)));
  }});
  const hover = document.getElementById('hover');
  let lit = [];  // the hovered cell and its two labels
  cells = [];
  probs.forEach((row, i) => row.forEach((p, j) => {{
    const r = svg.appendChild(el('rect', {{ x: pad + cell * j, y: pad + cell * i, width: cell, height: cell,
                                            fill: color(p) }}));
    cells.push(r);
    r.onmouseenter = () => {{
      lit.forEach(e => e.classList.remove('lit'));
      lit = [r, rows[i], cols[j]];
      lit.forEach(e => e.classList.add('lit'));
      svg.appendChild(r);  // last drawn = on top, so its outline is not covered by its neighbours
      hover.textContent =
          `layer ${{layer}} head ${{head}}: ${{data.tokens[i]}} \u2192 ${{data.tokens[j]}} = ${{p.toFixed(4)}}`;
    }};
  }}));
  const map = document.getElementById('map');
  map.textContent = '';
  map.appendChild(svg);
}}
function draw() {{
  const layer = Number(layerSel.value), head = Number(headSel.value);
  drawThumbs(layer);
  drawMap(layer, head);
  const status = document.getElementById('render-status');
  status.textContent = `rendered layer ${{layer}} head ${{head}}: ${{cells.length}} cells`;
  status.setAttribute('data-ok', '1');
}}
function drawLegend() {{
  const legend = document.getElementById('legend');
  for (let k = 0; k <= 10; k++) {{
    const swatch = legend.appendChild(document.createElement('span'));
    swatch.style.background = color(k / 10);
  }}
  legend.appendChild(document.createTextNode(' 1 (the shade follows the square root, so small values show)'));
}}
drawLegend();
options(layerSel, data.attentions.length);
options(headSel, data.attentions[0].length);
layerSel.onchange = headSel.onchange = draw;
// A link can pick the picture: attention.html#layer=1&head=2&cell=3,4 (cell = query,key, shown
// as if hovered), handy for pointing a classmate at one head.
const want = new URLSearchParams(location.hash.slice(1));
if (want.has('layer')) layerSel.value = want.get('layer');
if (want.has('head')) headSel.value = want.get('head');
if (layerSel.value === '') layerSel.value = '0';
if (headSel.value === '') headSel.value = '0';
draw();
if (want.has('cell')) {{
  const [i, j] = want.get('cell').split(',').map(Number);
  if (i >= 0 && i < S && j >= 0 && j < S) cells[i * S + j].onmouseenter();
}}
</script>
</body></html>
)HTML";

// JSON is safe inside <script> once '<', '>' and '&' are written as \u escapes: then no
// "</script>" or "<!--" can appear, whatever the tokens are. Outside strings JSON has none of
// these characters, so escaping every occurrence is exact.
std::string script_safe(const std::string& json) {
  std::string out;
  for (char c : json) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

// {"tokens": [...], "palette": [...], "attentions": [L][N][S][S]} with 4-decimal probabilities.
std::string page_data(const AttentionMaps& maps, int64_t N) {
  const int64_t S = static_cast<int64_t>(maps.tokens.size());
  nlohmann::json palette = nlohmann::json::array();
  for (int i = 0; i <= 100; ++i) palette.push_back(heat_color(i / 100.0));
  std::string out = fmt::format(R"({{"tokens": {}, "palette": {}, "attentions": [)",
                                nlohmann::json(maps.tokens).dump(), palette.dump());
  for (size_t l = 0; l < maps.attentions.size(); ++l) {
    const float* p = maps.attentions[l].data();  // [1, N, S, S]
    out += l ? ",\n[" : "\n[";
    for (int64_t h = 0; h < N; ++h) {
      out += h ? ",[" : "[";
      for (int64_t i = 0; i < S; ++i) {
        out += i ? ",[" : "[";
        for (int64_t j = 0; j < S; ++j) {
          const float v = p[(h * S + i) * S + j];
          out += fmt::format("{}{:.4f}", j ? "," : "", std::isfinite(v) ? v : 0.0f);  // JSON has no NaN
        }
        out += "]";
      }
      out += "]";
    }
    out += "]";
  }
  return script_safe(out + "]}");
}

}  // namespace

std::string attention_html(const AttentionMaps& maps, std::string_view title) {
  const int64_t N = check_attention_maps(maps);
  return fmt::format(kPage, fmt::arg("title", escape_xml(title)), fmt::arg("data", page_data(maps, N)));
}

}  // namespace bertlab::viz
