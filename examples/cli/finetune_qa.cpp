// bertlab finetune-qa: fine-tune a BERT for extractive question answering on SQuAD v1.1 JSON.
//
//   bertlab finetune-qa --model MODEL --train train.json --eval eval.json [--max-length 384 --doc-stride 128]
// Each question + context becomes windows of max_length tokens overlapping by doc_stride; the
// model learns the answer's start and end token. Prints the eval exact match and F1 (percent).
#include <fmt/format.h>

#include "bert/checkpoint.h"  // defines: from_pretrained
#include "finetune/finetune.h"    // defines: qa_step, evaluate_qa
#include "finetune/squad.h"       // defines: read_squad, prepare_qa_features
#include "tensor/error.h"     // defines: BERT_CHECK
#include "examples/cli/commands.h"
#include "examples/cli/model_checks.h"  // defines: fit_max_length
#include "examples/cli/training_options.h"  // defines: TrainingOptions

namespace bertlab::cli {

namespace {

struct QaOptions {
  TrainingOptions train;
  int64_t doc_stride = 128;
  std::string train_articles, eval_articles;  // "0:40" = articles 0..39 of the file
  bool strict = false;                         // answers that do not match their context: an error
};

// Keep the questions of articles BEGIN:END (finetune::select_articles): SQuAD's dev set is the
// only one offline, so one file is split by article.
void select_articles(std::vector<finetune::SquadExample>& examples, const std::string& range) {
  if (range.empty()) return;
  const auto colon = range.find(':');
  BERT_CHECK(colon != std::string::npos, "--*-articles: expected BEGIN:END (e.g. 0:40), got \"{}\"", range);
  examples = finetune::select_articles(std::move(examples), std::stoll(range.substr(0, colon)),
                                       std::stoll(range.substr(colon + 1)));
}

// Answers whose answer_start does not point at their text, reported (a warning with the count and
// the first one) or, with --strict, refused.
void check_answers(const std::vector<finetune::SquadExample>& examples, const std::string& file, bool strict) {
  const std::vector<std::string> problems = finetune::check_squad_answers(examples);
  if (problems.empty()) return;
  int64_t answers = 0;
  for (const auto& ex : examples) answers += static_cast<int64_t>(ex.answers.size());
  const std::string what = fmt::format("{}: {} of {} answers do not match their context (first: {})", file,
                                       problems.size(), answers, problems.front());
  BERT_CHECK(!strict, "{}. Hint: fix the data, or drop --strict to train them as run_qa.py does", what);
  fmt::print(stderr, "warning: {}; they train as run_qa.py trains them: [CLS] when out of range. --strict makes "
             "this an error\n", what);
}

void run_finetune_qa(const QaOptions& o) {
  const auto tok = tokenizer::BertTokenizer::from_pretrained(o.train.model);
  auto train = finetune::read_squad(o.train.train), eval = finetune::read_squad(o.train.eval);
  select_articles(train, o.train_articles);
  select_articles(eval, o.eval_articles);
  if (o.train.max_train_samples > 0 && o.train.max_train_samples < static_cast<int64_t>(train.size()))
    train.resize(o.train.max_train_samples);
  if (o.train.max_eval_samples > 0 && o.train.max_eval_samples < static_cast<int64_t>(eval.size()))
    eval.resize(o.train.max_eval_samples);
  check_answers(train, o.train.train, o.strict);
  check_answers(eval, o.train.eval, o.strict);

  auto model = bert::from_pretrained<bert::BertForQuestionAnswering>(o.train.model);
  const int64_t max_length = fit_max_length(o.train.max_length, model->bert.config);
  const auto train_features = finetune::prepare_qa_features(tok, train, max_length, o.doc_stride);
  const auto eval_features = finetune::prepare_qa_features(tok, eval, max_length, o.doc_stride);
  fmt::print("{} training questions -> {} windows; {} evaluation questions -> {} windows\n", train.size(),
             train_features.windows.size(), eval.size(), eval_features.windows.size());
  const auto lora = apply_lora_option(*model, o.train, "QUESTION_ANS");
  finetune::Trainer trainer(
      *model, training_arguments(o.train), static_cast<int64_t>(train_features.windows.size()),
      [&](const std::vector<int64_t>& rows) { return finetune::qa_step(*model, train_features, rows); },
      [&] { return finetune::evaluate_qa(*model, eval, eval_features); });
  trainer.train(o.train.resume.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.train.resume));
  for (const auto& [name, value] : trainer.last_metrics()) fmt::print("{} = {:.2f}\n", name, value);
  save_finetuned(*model, model->bert.config, o.train.model, o.train.output, lora);
}

}  // namespace

void add_finetune_qa_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("finetune-qa", "Fine-tune a BERT for extractive question answering (SQuAD v1.1 JSON)");
  auto opt = std::make_shared<QaOptions>();
  add_training_options(cmd, opt->train, "finetuned-qa", /*default_max_length=*/384);  // HF run_qa's
  cmd->add_option("--doc-stride", opt->doc_stride, "overlap between context windows, in tokens")->capture_default_str();
  cmd->add_option("--train-articles", opt->train_articles, "only articles BEGIN:END of the training file");
  cmd->add_option("--eval-articles", opt->eval_articles, "only articles BEGIN:END of the evaluation file");
  cmd->add_flag("--strict", opt->strict, "an answer whose answer_start does not point at its text is an error");
  cmd->callback([opt] { run_finetune_qa(*opt); });
}

}  // namespace bertlab::cli
