// `bertlab fill-mask "<text with [MASK]>" --model NAME --top-k 5 [--targets w1,w2] [--dtype int8]`: BERT's guesses for each [MASK].
//
// Prints, per [MASK], HF's FillMaskPipeline fields: score, token, token_str, sequence.
#include <fmt/format.h>

#include "pipelines/fill_mask.h"         // defines: fill_mask
#include "examples/cli/commands.h"  // defines: add_fill_mask_command
#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype
#include "examples/cli/model_checks.h"  // defines: require_finite, fit_max_length
#include "examples/lab/notebook.h"  // defines: load_tokenizer, load_model, kDefaultModel

namespace bertlab::cli {

void add_fill_mask_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("fill-mask", "Predict the words hidden behind [MASK] (HF's fill-mask pipeline)");
  struct Options {
    std::string text, model = lab::kDefaultModel, dtype = "float32";
    int64_t top_k = 5;
    std::vector<std::string> targets;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("text", opt->text, "a text with one or more [MASK]")->required();
  cmd->add_option("--model", opt->model, "HF model folder (BertForMaskedLM), or a name looked up in the HF cache")
      ->capture_default_str();
  cmd->add_option("--top-k", opt->top_k, "predictions per [MASK]")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}))
      ->capture_default_str();
  cmd->add_option("--targets", opt->targets, "score only these words (HF's targets=), e.g. --targets carpenter,nurse")
      ->delimiter(',');
  add_dtype_option(*cmd, opt->dtype);
  cmd->callback([opt] {
    const tokenizer::BertTokenizer tokenizer = lab::load_tokenizer(opt->model);
    const auto model = lab::load_model<bert::BertForMaskedLM>({.model = opt->model});
    apply_dtype(*model, opt->dtype);
    const auto predictions = pipelines::fill_mask(*model, tokenizer, opt->text, opt->top_k, opt->targets);
    std::vector<float> scores;
    for (const auto& mask : predictions)
      for (const pipelines::FillMaskPrediction& p : mask) scores.push_back(p.score);
    require_finite(*model, scores, "fill-mask");
    for (size_t m = 0; m < predictions.size(); ++m) {
      fmt::print("[MASK] #{}\n{:>8}  {:>6}  {:<14}  {}\n", m + 1, "score", "token", "token_str", "sequence");
      for (const pipelines::FillMaskPrediction& p : predictions[m])
        fmt::print("{:8.6f}  {:6}  {:<14}  {}\n", p.score, p.token, p.token_str, p.sequence);
    }
  });
}

}  // namespace bertlab::cli
