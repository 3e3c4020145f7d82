// bertlab attention: draw where every head of a model looks, for one text (or a pair).
//
//   bertlab attention "the cat sat on the mat" [--pair "it was tired"] --model DIR
//                     [--out attention.html] [--svg DIR]
// The HTML page has a layer/head picker and shows the value under the mouse; --svg writes one
// SVG per layer (a grid of its heads) for papers and slides.
#include <fmt/format.h>

#include "bert/checkpoint.h"         // defines: from_pretrained
#include "bert/model.h"              // defines: BertModel
#include "examples/cli/commands.h"
#include "tensor/autograd.h"         // defines: NoGradGuard
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "viz/attention.h"           // defines: AttentionMaps, attention_html, write_attention_svgs
#include "viz/svg.h"                 // defines: write_text_file

namespace bertlab::cli {

namespace {

struct AttentionOptions {
  std::string text, pair, model, out, svg_dir;
};

// Tokenize, run the model once with output_attentions, and keep the tokens as labels.
viz::AttentionMaps compute_attention(const AttentionOptions& opt) {
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained(opt.model);
  const auto model = bert::from_pretrained<bert::BertModel>(opt.model);
  const tokenizer::Encoding enc = opt.pair.empty() ? tokenizer(opt.text) : tokenizer(opt.text, opt.pair);
  const auto as_tensor = [&](std::string_view key) {
    tokenizer::IdMatrix m = enc.matrix(key);
    return IntTensor(m.data, m.shape);  // [1, S]
  };
  NoGradGuard no_grad;
  bert::BertModelOutput out = model->forward(as_tensor("input_ids"), as_tensor("attention_mask"),
                                             as_tensor("token_type_ids"), false, true);
  return {tokenizer.convert_ids_to_tokens(enc.input_ids), out.attentions};  // L x [1, N, S, S]
}

void run_attention(const AttentionOptions& opt) {
  const viz::AttentionMaps maps = compute_attention(opt);
  const std::string title = opt.pair.empty() ? opt.text : opt.text + " | " + opt.pair;
  viz::write_text_file(opt.out, viz::attention_html(maps, title));
  fmt::print("wrote {} ({} layers x {} heads over {} tokens)\n", opt.out, maps.attentions.size(),
             maps.attentions[0].size(1), maps.tokens.size());
  if (!opt.svg_dir.empty())
    for (const auto& path : viz::write_attention_svgs(maps, opt.svg_dir)) fmt::print("wrote {}\n", path.string());
}

}  // namespace

void add_attention_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("attention", "Draw every layer's and head's attention over a text (HTML, SVG)");
  auto opt = std::make_shared<AttentionOptions>();
  cmd->add_option("text", opt->text, "the text (the first segment)")->required();
  cmd->add_option("--pair", opt->pair, "a second segment: [CLS] text [SEP] pair [SEP]");
  cmd->add_option("--model", opt->model, "HF model folder (config.json, model.safetensors, vocab.txt)")->required();
  cmd->add_option("--out", opt->out, "the HTML page to write")->default_val("attention.html");
  cmd->add_option("--svg", opt->svg_dir, "also write layer_<l>.svg (a grid of the heads) into this folder");
  cmd->callback([opt] { run_attention(*opt); });
}

}  // namespace bertlab::cli
