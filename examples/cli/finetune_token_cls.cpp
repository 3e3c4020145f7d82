// bertlab finetune-token-cls: fine-tune a BERT for token classification (NER) on CoNLL-style files.
//
//   bertlab finetune-token-cls --model MODEL --train train.txt --eval dev.txt
// Files: one "word tag" per line (CoNLL-2003's four columns work: the first and last are read), a
// blank line between sentences (finetune/token_classification_data.h). The tags found in the
// training file become config.json's id2label; a checkpoint without this head gets a newly
// initialized classifier. Prints seqeval's entity precision, recall, F1 and the tag accuracy.
#include <fmt/format.h>

#include "bert/checkpoint.h"                       // defines: from_pretrained
#include "finetune/finetune.h"                     // defines: token_classification_step, evaluate_token_classification
#include "finetune/token_classification_data.h"    // defines: read_conll_file
#include "examples/cli/commands.h"
#include "examples/cli/model_checks.h"             // defines: fit_max_length
#include "examples/cli/training_options.h"         // defines: TrainingOptions

namespace bertlab::cli {

namespace {

void keep_first_sentences(finetune::TokenClassificationDataset& data, int64_t n) {
  if (n <= 0 || n >= static_cast<int64_t>(data.size())) return;
  data.words.resize(n);
  data.tags.resize(n);
}

void run_finetune_token_cls(const TrainingOptions& o) {
  const auto tok = tokenizer::BertTokenizer::from_pretrained(o.model);
  auto train = finetune::read_conll_file(o.train);
  auto eval = finetune::read_conll_file(o.eval, train.label_names);
  keep_first_sentences(train, o.max_train_samples);
  keep_first_sentences(eval, o.max_eval_samples);
  fmt::print("{} training and {} evaluation sentences, tags [{}]\n", train.size(), eval.size(),
             fmt::join(train.label_names, ", "));

  bert::BertConfig config = bert::BertConfig::from_json_file(std::filesystem::path(o.model) / "config.json");
  config.id2label = train.label_names;
  auto model = bert::from_pretrained<bert::BertForTokenClassification>(o.model, config);
  const int64_t max_length = fit_max_length(o.max_length, config);
  const auto lora = apply_lora_option(*model, o, "TOKEN_CLS");
  finetune::Trainer trainer(
      *model, training_arguments(o), static_cast<int64_t>(train.size()),
      [&](const std::vector<int64_t>& rows) {
        return finetune::token_classification_step(*model, tok, train, rows, max_length);
      },
      [&] { return finetune::evaluate_token_classification(*model, tok, eval, max_length); });
  trainer.train(o.resume.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.resume));
  for (const auto& [name, value] : trainer.last_metrics()) fmt::print("{} = {:.4f}\n", name, value);
  save_finetuned(*model, config, o.model, o.output, lora);
}

}  // namespace

void add_finetune_token_cls_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("finetune-token-cls",
                                 "Fine-tune a BERT for token classification / NER (CoNLL-style \"word tag\" files)");
  auto opt = std::make_shared<TrainingOptions>();
  add_training_options(cmd, *opt, "finetuned-token-cls", /*default_max_length=*/128);
  cmd->callback([opt] { run_finetune_token_cls(*opt); });
}

}  // namespace bertlab::cli
