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
#include "examples/cli/training_options.h"  // defines: TrainingOptions

namespace bertlab::cli {

namespace {

struct QaOptions {
  TrainingOptions train;
  int64_t doc_stride = 128;
  std::string train_articles, eval_articles;  // "0:40" = articles 0..39 of the file
};

// Keep the questions of articles [begin, end) (in file order), so one file can be split by
// article: SQuAD's dev set is the only one offline, and questions of one article must not
// land on both sides.
void select_articles(std::vector<finetune::SquadExample>& examples, const std::string& range) {
  if (range.empty()) return;
  const auto colon = range.find(':');
  BERT_CHECK(colon != std::string::npos, "--*-articles: expected BEGIN:END (e.g. 0:40), got \"{}\"", range);
  const int64_t begin = std::stoll(range.substr(0, colon)), end = std::stoll(range.substr(colon + 1));
  std::vector<finetune::SquadExample> kept;
  int64_t article = -1;
  std::string title;
  for (auto& ex : examples) {
    if (article < 0 || ex.title != title) ++article, title = ex.title;
    if (article >= begin && article < end) kept.push_back(std::move(ex));
  }
  examples = std::move(kept);
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
  const auto train_features = finetune::prepare_qa_features(tok, train, o.train.max_length, o.doc_stride);
  const auto eval_features = finetune::prepare_qa_features(tok, eval, o.train.max_length, o.doc_stride);
  fmt::print("{} training questions -> {} windows; {} evaluation questions -> {} windows\n", train.size(),
             train_features.windows.size(), eval.size(), eval_features.windows.size());

  auto model = bert::from_pretrained<bert::BertForQuestionAnswering>(o.train.model);
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
  cmd->callback([opt] { run_finetune_qa(*opt); });
}

}  // namespace bertlab::cli
