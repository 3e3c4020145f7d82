// bertlab demo: build a small BERT from random weights and watch it learn, in a few seconds.
//
// The task is masked-language modelling on a toy language whose sentences alternate two words
// ("w3 w7 w3 w7 ..."): hide 15% of the tokens and the model must fill them in from context —
// it has to learn to look two positions away, which is what attention is for.
// Every piece is the real one — BertForMaskedLM, cross-entropy with -100 for unmasked
// positions, backward, AdamW with warmup — only the model and the data are tiny.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "bert/for_masked_lm.h"
#include "examples/cli/commands.h"
#include "nn/optim.h"
#include "nn/schedule.h"
#include "viz/attention.h"  // defines: AttentionMaps, attention_html
#include "viz/curves.h"     // defines: HistoryWriter, write_history_plot
#include "viz/svg.h"        // defines: write_text_file

namespace bertlab::cli {

namespace {

constexpr int64_t kSpecial = 4;  // ids 0..3: [PAD], [CLS], [SEP], [MASK]; words are 4..4+kWords-1
constexpr int64_t kWords = 20, kMask = 3;

// A batch of two-word sentences with 15% of the words masked. labels = -100 except at masks.
void make_batch(Generator& gen, int64_t B, int64_t S, IntTensor& ids, IntTensor& labels) {
  ids = IntTensor(std::vector<int64_t>(B * S), {B, S});
  labels = IntTensor(std::vector<int64_t>(B * S, -100), {B, S});
  for (int64_t b = 0; b < B; ++b) {
    const int64_t word[2] = {static_cast<int64_t>(gen.uniform() * kWords), static_cast<int64_t>(gen.uniform() * kWords)};
    for (int64_t s = 0; s < S; ++s) {
      int64_t& id = ids.data[b * S + s];
      id = s == 0 ? 1 : s == S - 1 ? 2 : kSpecial + word[s % 2];
      if (s > 0 && s < S - 1 && gen.uniform() < 0.15f) {
        labels.data[b * S + s] = id;
        id = kMask;
      }
    }
  }
}

// Ask the trained model to fill in "w3 w7 [MASK] w7 w3" and print its best guess. With
// attention_html, also draw where its heads look (to fill the mask, some must look 2 tokens away).
void show_prediction(bert::BertForMaskedLM& model, const std::string& attention_html) {
  model.eval();
  const IntTensor ids({1, kSpecial + 3, kSpecial + 7, kMask, kSpecial + 7, kSpecial + 3, 2}, {1, 7});
  bert::MaskedLMOutput out = model.forward(ids, {}, {}, {}, false, !attention_html.empty());
  const float* row = out.logits.data() + 3 * out.logits.size(-1);  // logits [1, 7, V]
  const int64_t best = std::max_element(row, row + out.logits.size(-1)) - row;
  fmt::print("\nfill in: w3 w7 [MASK] w7 w3  ->  the model says w{} (the answer is w3)\n", best - kSpecial);
  if (attention_html.empty()) return;
  const viz::AttentionMaps maps{{"[CLS]", "w3", "w7", "[MASK]", "w7", "w3", "[SEP]"}, out.bert.attentions};
  viz::write_text_file(attention_html, viz::attention_html(maps, "the demo model on w3 w7 [MASK] w7 w3"));
  fmt::print("attention: {}\n", attention_html);
}

struct DemoOptions {
  int steps = 400;
  std::string history;    // log every step's loss and lr here (JSON lines) and plot them beside it
  std::string attention;  // draw the trained model's attention here (HTML)
};

void run_demo(const DemoOptions& options) {
  const int steps = options.steps;
  bert::BertConfig config;
  config.vocab_size = kSpecial + kWords;
  config.hidden_size = 32;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 64;
  config.max_position_embeddings = 32;
  config.hidden_dropout_prob = config.attention_probs_dropout_prob = 0.0;  // tiny data: no need
  bert::BertForMaskedLM model(config);
  Generator gen(42);
  bert::init_bert_weights(model, config.initializer_range, gen);
  fmt::print("{}\n\n{} parameters. Training on two-word sentences, 15% masked:\n", nn::to_string(model.bert.embeddings),
             model.num_parameters());

  nn::AdamW opt(nn::decay_groups(model.named_parameters(), 0.01), 1e-3);
  std::optional<viz::HistoryWriter> log;
  if (!options.history.empty()) log.emplace(options.history);
  model.train();
  for (int step = 1; step <= steps; ++step) {
    IntTensor ids, labels;
    make_batch(gen, 16, 12, ids, labels);
    opt.lr = nn::linear_schedule_with_warmup(5e-3, step, steps / 10, steps);
    bert::MaskedLMOutput out = model.forward(ids, {}, {}, labels);
    opt.zero_grad();
    out.loss.backward();
    nn::clip_grad_norm_(model.parameters(), 1.0f);
    opt.step();
    if (log) log->log(step, {{"loss", out.loss.item()}, {"lr", opt.lr}});
    if (step % (steps / 10) == 0 || step == 1) fmt::print("step {:4d}  loss {:.4f}  lr {:.2e}\n", step, out.loss.item(), opt.lr);
  }
  show_prediction(model, options.attention);
  if (log) {
    const std::filesystem::path plot = std::filesystem::path(options.history).replace_extension(".svg");
    viz::write_history_plot(options.history, plot);
    fmt::print("history: {}, curves: {}\n", options.history, plot.string());
  }
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Train a tiny BERT (masked LM) from scratch for a few steps");
  auto opt = std::make_shared<DemoOptions>();
  cmd->add_option("--steps", opt->steps, "training steps")->check(CLI::Range(10, 100000));
  cmd->add_option("--history", opt->history, "write the loss/lr of every step here (JSON lines) and plot it (.svg)");
  cmd->add_option("--attention", opt->attention, "draw the trained model's attention on the test sentence (HTML)");
  cmd->callback([opt] { run_demo(*opt); });
}

}  // namespace bertlab::cli
