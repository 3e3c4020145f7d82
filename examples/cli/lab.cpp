// `bertlab lab [--model NAME]`: the week-3 BERT lab, cell by cell, as the notebook printed it.
//
// Runs the three lab programs' steps in order (examples/lab01_tokenizer.cpp, lab02_bert_model.cpp,
// lab03_masked_lm.cpp): each cell's Python, then what the C++ counterpart prints.
#include <fmt/format.h>

#include "examples/cli/commands.h"  // defines: add_lab_command
#include "examples/lab/notebook.h"  // defines: kDefaultModel
#include "examples/lab/steps.h"     // defines: lab01_tokenizer, lab02_bert_model, lab03_masked_lm

namespace bertlab::cli {

void add_lab_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("lab", "Replay the week-3 BERT lab (tokenizer, BertModel, fill-mask)");
  auto opt = std::make_shared<lab::LabOptions>();
  auto* model = cmd->add_option("--model", opt->model, "HF model folder, or a name looked up in the HF cache "
                                "(offline without it: bertlab-mini)")
                    ->capture_default_str();
  cmd->add_option("--attn-implementation", opt->attn_implementation,
                      "sdpa: the fused inference attention; eager: the composed ops (same numbers)")
      ->check(CLI::IsMember({"sdpa", "eager"}))
      ->capture_default_str();
  cmd->callback([opt, model] {
    if (model->count() == 0) lab::fall_back_to_offline_model(*opt);
    const std::pair<const char*, lab::Step> steps[] = {{"Step 1: the tokenizer", lab::lab01_tokenizer},
                                                       {"Step 2: BertModel", lab::lab02_bert_model},
                                                       {"Step 3: BertForMaskedLM fills in [MASK]", lab::lab03_masked_lm}};
    for (const auto& [title, step] : steps) {
      fmt::print("\n=== {} ===\n", title);
      std::fflush(stdout);
      step(*opt);
    }
  });
}

}  // namespace bertlab::cli
