// Attention maps as pictures: where each token looks, for every layer and head.
//
// BertModel::forward(..., output_attentions = true) returns, per layer, the softmax
// probabilities [B, N, S, S]: row i (the query token) is a distribution over the S key tokens
// it reads from, so each row sums to 1. Drawn as a heatmap (rows = query, columns = key), the
// habits of the heads jump out: a dark column at [SEP], a diagonal one step off (the next token).
//   AttentionMaps maps{tokenizer.convert_ids_to_tokens(ids), out.attentions};
//   write_text_file("attention.html", attention_html(maps, "the cat sat"));  // all heads, hover
//   write_attention_svgs(maps, "attention/");  // layer_0.svg, layer_1.svg: a grid of heads each
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/tensor.h"  // defines: Tensor

namespace bertlab::viz {

struct AttentionMaps {
  std::vector<std::string> tokens;  // S labels: "[CLS]", "the", "##re", ...
  std::vector<Tensor> attentions;   // L tensors [1, N, S, S] (one sequence), probabilities
};

// Checks that there is at least one layer and every layer is [1, N, S, S] with the same N and
// S = tokens.size(); throws bertlab::Error naming the layer otherwise. Returns N.
int64_t check_attention_maps(const AttentionMaps& maps);

// One self-contained HTML page (inline data, style and script; no network): a layer/head picker,
// thumbnails of the layer's heads, the chosen head's heatmap with token labels on both axes, and
// the value under the mouse.
std::string attention_html(const AttentionMaps& maps, std::string_view title);

// One SVG of layer `layer`: its heads' heatmaps in a grid, each labelled, tooltips on the cells.
std::string attention_layer_svg(const AttentionMaps& maps, int64_t layer);

// layer_0.svg ... layer_{L-1}.svg into `dir` (created if needed). Returns the files written.
std::vector<std::filesystem::path> write_attention_svgs(const AttentionMaps& maps, const std::filesystem::path& dir);

}  // namespace bertlab::viz
