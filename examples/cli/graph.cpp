// bertlab graph: draw the autograd graph behind a masked-LM loss.
//
//   bertlab graph --model DIR [--text "the cat sat on the mat"] --out graph.svg|graph.dot
// Runs BertForMaskedLM on the text with its second word masked (labels: that word, -100
// elsewhere) and writes the graph from the loss back to every parameter, each leaf named by its
// checkpoint key. Follow it upward from word_embeddings.weight to the loss: that is the forward
// pass; backward walks the same edges downward.
#include <fmt/format.h>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "bert/for_masked_lm.h"        // defines: BertForMaskedLM
#include "examples/cli/commands.h"
#include "tensor/error.h"            // defines: BERT_CHECK
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "viz/graph.h"                 // defines: name_parameters, write_graph

namespace bertlab::cli {

namespace {

struct GraphOptions {
  std::string model, text, out;
};

void run_graph(const GraphOptions& opt) {
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained(opt.model);
  const auto model = bert::from_pretrained<bert::BertForMaskedLM>(opt.model);
  viz::name_parameters(*model);

  tokenizer::Encoding enc = tokenizer(opt.text);
  const int64_t S = static_cast<int64_t>(enc.size());
  BERT_CHECK(S >= 3, "graph: the text has no words: expected at least one token between [CLS] and [SEP], got '{}'",
             opt.text);
  const int64_t masked = S > 3 ? 2 : 1;  // the second word, or the only one
  std::vector<int64_t> labels(S, -100);  // -100: no loss at this position
  labels[masked] = enc.input_ids[masked];
  enc.input_ids[masked] = tokenizer.convert_tokens_to_ids("[MASK]");

  const Tensor loss = model->forward(IntTensor(enc.input_ids, {1, S}), {}, {}, IntTensor(labels, {1, S})).loss;
  viz::write_graph(loss, opt.out);
  fmt::print("wrote {}: the graph of the masked-LM loss ({:.4f}) of \"{}\"\n", opt.out, loss.item(), opt.text);
}

}  // namespace

void add_graph_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("graph", "Draw the autograd graph of a masked-LM loss (DOT, or SVG via Graphviz)");
  auto opt = std::make_shared<GraphOptions>();
  cmd->add_option("--model", opt->model, "HF model folder (config.json, model.safetensors, vocab.txt)")->required();
  cmd->add_option("--text", opt->text, "the input; its second word is masked")->default_val("the cat sat on the mat");
  cmd->add_option("--out", opt->out, "graph.dot (Graphviz source) or graph.svg (needs Graphviz's dot)")->required();
  cmd->callback([opt] { run_graph(*opt); });
}

}  // namespace bertlab::cli
