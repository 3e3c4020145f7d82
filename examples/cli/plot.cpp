// bertlab plot: draw a training run's curves (loss, lr, metrics) from its history.
//
//   bertlab plot run/history.jsonl [--out run/history.svg]
// history.jsonl holds one JSON object per logged step, {"step": 10, "loss": 2.31, "lr": 0.001};
// every numeric key gets a panel against "step" (see viz/curves.h).
#include <fmt/format.h>

#include "examples/cli/commands.h"
#include "viz/curves.h"  // defines: write_history_plot

namespace bertlab::cli {

void add_plot_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("plot", "Draw the curves of a training history (JSON lines) as SVG");
  struct Options {
    std::string history, out;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("history", opt->history, "history.jsonl: one {\"step\": .., \"loss\": .., ...} per line")->required();
  cmd->add_option("--out", opt->out, "the SVG to write (default: the history's name with .svg)");
  cmd->callback([opt] {
    std::filesystem::path out = opt->out;
    if (out.empty()) out = std::filesystem::path(opt->history).replace_extension(".svg");
    viz::write_history_plot(opt->history, out);
    fmt::print("wrote {}\n", out.string());
  });
}

}  // namespace bertlab::cli
