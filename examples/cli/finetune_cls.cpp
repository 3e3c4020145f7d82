// bertlab finetune-cls: fine-tune a BERT for text classification on a TSV/CSV file.
//
//   bertlab finetune-cls --model MODEL --train train.tsv --eval dev.tsv [--text sentence --label label]
// The label names found in the training file become config.json's id2label; a base checkpoint
// (BertModel) gets a newly initialized classifier head. Prints the eval accuracy (and F1 for two labels).
#include <fmt/format.h>

#include "bert/checkpoint.h"             // defines: from_pretrained
#include "finetune/classification_data.h"    // defines: read_classification_file
#include "finetune/finetune.h"               // defines: classification_step, evaluate_classification
#include "examples/cli/commands.h"
#include "examples/cli/model_checks.h"  // defines: fit_max_length
#include "examples/cli/training_options.h"  // defines: TrainingOptions

namespace bertlab::cli {

namespace {

struct ClsOptions {
  TrainingOptions train;
  finetune::ClassificationColumns columns;
};

template <typename T>
void keep_first(T& data, int64_t n) {
  if (n <= 0 || n >= static_cast<int64_t>(data.size())) return;
  data.texts.resize(n);
  data.labels.resize(n);
  if (!data.text_pairs.empty()) data.text_pairs.resize(n);
}

void run_finetune_cls(const ClsOptions& o) {
  const auto tok = tokenizer::BertTokenizer::from_pretrained(o.train.model);
  auto train = finetune::read_classification_file(o.train.train, o.columns);
  auto eval = finetune::read_classification_file(o.train.eval, o.columns, train.label_names);
  keep_first(train, o.train.max_train_samples);
  keep_first(eval, o.train.max_eval_samples);
  for (const std::string& warning : train.warnings) fmt::print(stderr, "warning: {}\n", warning);
  fmt::print("{} training and {} evaluation examples, labels [{}]\n", train.size(), eval.size(),
             fmt::join(train.label_names, ", "));

  bert::BertConfig config = bert::BertConfig::from_json_file(std::filesystem::path(o.train.model) / "config.json");
  config.id2label = train.label_names;
  auto model = bert::from_pretrained<bert::BertForSequenceClassification>(o.train.model, config);
  const int64_t max_length = fit_max_length(o.train.max_length, config);
  const auto lora = apply_lora_option(*model, o.train, "SEQ_CLS");
  finetune::Trainer trainer(
      *model, training_arguments(o.train), static_cast<int64_t>(train.size()),
      [&](const std::vector<int64_t>& rows) { return finetune::classification_step(*model, tok, train, rows, max_length); },
      [&] { return finetune::evaluate_classification(*model, tok, eval, max_length); });
  trainer.train(o.train.resume.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.train.resume));
  for (const auto& [name, value] : trainer.last_metrics()) fmt::print("{} = {:.4f}\n", name, value);
  save_finetuned(*model, config, o.train.model, o.train.output, lora);
}

}  // namespace

void add_finetune_cls_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("finetune-cls", "Fine-tune a BERT for text classification (TSV/CSV, GLUE style)");
  auto opt = std::make_shared<ClsOptions>();
  add_training_options(cmd, opt->train, "finetuned-cls", /*default_max_length=*/128);
  cmd->add_option("--text", opt->columns.text, "text column: header name or 0-based index")->capture_default_str();
  cmd->add_option("--text-pair", opt->columns.text_pair, "second text column (sentence pairs)");
  cmd->add_option("--label", opt->columns.label, "label column: header name or 0-based index")->capture_default_str();
  cmd->callback([opt] { run_finetune_cls(*opt); });
}

}  // namespace bertlab::cli
