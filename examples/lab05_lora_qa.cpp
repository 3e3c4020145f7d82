// Lab 05: question answering with LoRA, the notebook's announced second half ("PEFT에서는 Fine
// Tuning을 통해 질의응답 문제를 풀어보도록 하겠습니다"), cell by cell, as transformers + PEFT would do it.
//
//   ./build/examples/lab05_lora_qa [model] [--squad dev-v1.1.json] [--steps 300 ...]   (--help: all options)
// Without --squad it trains on examples/data/mini-qa.json (24 questions: every cell runs, in
// seconds, but nothing is learnt); with SQuAD v1.1 it splits the file by article, as
// docs/finetuning.md does. docs/labs/en/05-lora-qa.md has the lab-sized run and its output.
// Code that does the work: peft/lora.cpp (apply_lora, save_adapter, merge_and_unload),
// finetune/squad.cpp (windows, labels, post-processing, EM/F1), finetune/trainer.cpp (the loop).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "bert/checkpoint.h"             // defines: from_pretrained
#include "bert/for_question_answering.h" // defines: BertForQuestionAnswering
#include "examples/cli/model_checks.h"   // defines: fit_max_length
#include "examples/lab/notebook.h"       // defines: cell, load_tokenizer, load_model
#include "examples/lab/python_print.h"   // defines: python_repr
#include "finetune/finetune.h"           // defines: qa_step, predict_qa
#include "finetune/squad.h"              // defines: read_squad, select_articles, prepare_qa_features, squad_metrics
#include "finetune/trainer.h"            // defines: Trainer, TrainingArguments
#include "peft/lora.h"                   // defines: apply_lora, print_trainable_parameters, save_adapter, merge_and_unload
#include "pipelines/return_tensors.h"    // defines: return_tensors
#include "tensor/autograd.h"             // defines: NoGradGuard
#include "tensor/error.h"                // defines: BERT_CHECK
#include "tensor/random.h"               // defines: default_generator
#include "viz/curves.h"                  // defines: read_history, write_history_plot

namespace bertlab::lab {

namespace fs = std::filesystem;

namespace {

struct Lab05Options {
  LabOptions lab;
  std::string squad;                         // "": the repository's mini set
  std::string train_articles, eval_articles;  // BEGIN:END; "": 0:40 / 40:48 for SQuAD, 0:6 / 6:8 for the mini set
  int64_t max_eval_questions = 300;           // 0: every question of the evaluation articles
  int64_t max_length = 256, doc_stride = 128;  // run_qa.py's 384 fits few more paragraphs and costs more
  int64_t r = 8;
  double lora_alpha = 16, lora_dropout = 0.1;
  // Every Linear of the encoder: in a lab's time it learns much faster than PEFT's BERT default, query + value.
  std::vector<std::string> target_modules = {"query", "key", "value", "dense"};
  int64_t steps = 30, batch_size = 8;
  double learning_rate = 2e-3;
  uint64_t seed = 42;
  std::string output_dir = "runs/lab05";
};

// "0:40" -> {0, 40}: articles 0..39, in file order.
std::pair<int64_t, int64_t> article_range(const std::string& range, const std::string& option) {
  const auto colon = range.find(':');
  const auto is_number = [](const std::string& s) {
    return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  BERT_CHECK(colon != std::string::npos && is_number(range.substr(0, colon)) && is_number(range.substr(colon + 1)),
             "{}: expected BEGIN:END (e.g. 0:40), got \"{}\"", option, range);
  return {std::stoll(range.substr(0, colon)), std::stoll(range.substr(colon + 1))};
}

std::string py_list(const std::vector<std::string>& items) {  // ["query", "value"], as Python source
  std::string out;
  for (const std::string& item : items) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", item);
  return "[" + out + "]";
}

std::string metrics_line(const std::map<std::string, double>& m) {
  return fmt::format("exact_match {:.1f} | f1 {:.1f}", m.at("exact_match"), m.at("f1"));
}

// The mean training loss over consecutive blocks of steps, from the Trainer's history.jsonl: the
// curve in ten lines (history.svg draws every step).
void print_loss_curve(const fs::path& history, int64_t steps) {
  for (const viz::Curve& curve : viz::read_history(history)) {
    if (curve.key != "loss") continue;
    const int64_t block = std::max<int64_t>(1, (steps + 9) / 10);
    for (size_t begin = 0; begin < curve.points.size(); begin += block) {
      const size_t end = std::min(curve.points.size(), begin + block);
      double sum = 0;
      for (size_t i = begin; i < end; ++i) sum += curve.points[i].second;
      std::cout << fmt::format("steps {:>4}-{:<4} loss {:.3f}\n", curve.points[begin].first,
                               curve.points[end - 1].first, sum / static_cast<double>(end - begin));
    }
  }
}

// start and end logits of one window, [1, S] each, in eval mode without autograd.
std::pair<Tensor, Tensor> window_logits(bert::BertForQuestionAnswering& model, const tokenizer::Encoding& window) {
  NoGradGuard no_grad;
  model.eval();
  const pipelines::ModelInputs in = pipelines::return_tensors(window);
  const bert::QuestionAnsweringModelOutput out = model.forward(in.input_ids, in.attention_mask, in.token_type_ids);
  return {out.start_logits, out.end_logits};
}

float max_abs_difference(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = a.to_vector(), y = b.to_vector();
  float worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
  return worst;
}

// The examples and their windows, split by article (In [2]..In [4]).
struct QaData {
  std::vector<finetune::SquadExample> train_examples, eval_examples;
  finetune::QaFeatures train_features, eval_features;
};

QaData prepare_data(const Lab05Options& o, const tokenizer::BertTokenizer& tokenizer, int64_t max_length) {
  const bool squad = !o.squad.empty();
  const std::string data_file = squad ? o.squad : BERTLAB_SOURCE_DIR "/examples/data/mini-qa.json";
  const std::string train_range = !o.train_articles.empty() ? o.train_articles : squad ? "0:40" : "0:6";
  const std::string eval_range = !o.eval_articles.empty() ? o.eval_articles : squad ? "40:48" : "6:8";
  const auto [train_begin, train_end] = article_range(train_range, "--train-articles");
  const auto [eval_begin, eval_end] = article_range(eval_range, "--eval-articles");
  cell(2, fmt::format("import json\n"
                      "squad = json.load(open(\"{}\"))[\"data\"]\n"
                      "def flatten(articles):  # one example per question: id, question, context, answers\n"
                      "    return [dict(id=qa[\"id\"], question=qa[\"question\"], context=p[\"context\"], "
                      "answers=qa[\"answers\"])\n"
                      "            for a in articles for p in a[\"paragraphs\"] for qa in p[\"qas\"]]\n"
                      "train_examples = flatten(squad[{}:{}])\n"
                      "eval_examples = flatten(squad[{}:{}]){}\n"
                      "print(len(train_examples), len(eval_examples))",
                      fs::path(data_file).filename().string(), train_begin, train_end, eval_begin, eval_end,
                      o.max_eval_questions > 0 ? fmt::format("[:{}]", o.max_eval_questions) : ""));
  const std::vector<finetune::SquadExample> all = finetune::read_squad(data_file);
  QaData d;
  auto& [train_examples, eval_examples, train_features, eval_features] = d;
  train_examples = finetune::select_articles(all, train_begin, train_end);
  eval_examples = finetune::select_articles(all, eval_begin, eval_end);
  if (o.max_eval_questions > 0 && o.max_eval_questions < static_cast<int64_t>(eval_examples.size()))
    eval_examples.resize(o.max_eval_questions);
  BERT_CHECK(!train_examples.empty() && !eval_examples.empty(), "{}: no questions in articles {} or {}", data_file,
             train_range, eval_range);
  std::cout << fmt::format("{} {}\n", train_examples.size(), eval_examples.size());

  cell(3, fmt::format("def prepare_features(examples):  # run_qa.py's prepare_train_features\n"
                      "    features = tokenizer([e[\"question\"] for e in examples], [e[\"context\"] for e in examples],\n"
                      "                         truncation=\"only_second\", max_length={}, stride={},\n"
                      "                         return_overflowing_tokens=True, return_offsets_mapping=True,\n"
                      "                         padding=\"max_length\")\n"
                      "    ...  # start_positions / end_positions: the answer's first and last token, 0 = [CLS]\n"
                      "    return features\n"
                      "train_features, eval_features = prepare_features(train_examples), prepare_features(eval_examples)\n"
                      "print(len(train_features[\"input_ids\"]), len(eval_features[\"input_ids\"]))",
                      max_length, o.doc_stride));
  train_features = finetune::prepare_qa_features(tokenizer, train_examples, max_length, o.doc_stride);
  eval_features = finetune::prepare_qa_features(tokenizer, eval_examples, max_length, o.doc_stride);
  std::cout << fmt::format("{} {}\n", train_features.windows.size(), eval_features.windows.size());

  cell(4, "s, e = train_features[\"start_positions\"][0], train_features[\"end_positions\"][0]\n"
          "print(train_examples[0][\"question\"], \"->\", train_examples[0][\"answers\"][0][\"text\"])\n"
          "print(s, e, tokenizer.convert_ids_to_tokens(train_features[\"input_ids\"][0][s:e + 1]))");
  {
    const int64_t s = train_features.start_positions[0], e = train_features.end_positions[0];
    const std::vector<int64_t>& ids = train_features.windows[0].input_ids;
    std::vector<std::string> tokens;
    for (int64_t t = s; t <= e; ++t) tokens.push_back(tokenizer.convert_ids_to_tokens(ids[t]));
    std::cout << fmt::format("{} -> {}\n{} {} {}\n", train_examples[0].question, train_examples[0].answers[0].text, s,
                             e, python_repr(tokens));
  }
  return d;
}

// In [5]: PEFT's get_peft_model — LoRA on the target Linears, everything else frozen but the head.
peft::LoraConfig add_lora(bert::BertForQuestionAnswering& model, const Lab05Options& o) {
  cell(5, fmt::format("from peft import LoraConfig, TaskType, get_peft_model\n"
                      "lora_config = LoraConfig(task_type=TaskType.QUESTION_ANS, r={}, lora_alpha={:g},\n"
                      "                         target_modules={}, lora_dropout={:g})\n"
                      "model = get_peft_model(model, lora_config)\n"
                      "model.print_trainable_parameters()\n"
                      "print([n for n, p in model.named_parameters() if p.requires_grad and \"lora_\" not in n])",
                      o.r, o.lora_alpha, py_list(o.target_modules), o.lora_dropout));
  peft::LoraConfig lora_config;
  lora_config.task_type = "QUESTION_ANS";  // PEFT's TaskType: the qa_outputs head stays trainable and is saved
  lora_config.r = o.r;
  lora_config.lora_alpha = o.lora_alpha;
  lora_config.target_modules = o.target_modules;
  lora_config.lora_dropout = o.lora_dropout;
  lora_config.base_model_name_or_path = o.lab.model;
  peft::apply_lora(model, lora_config);
  std::cout << peft::print_trainable_parameters(model) << "\n";
  std::vector<std::string> fully_trained;
  for (const auto& [name, p] : model.named_parameters())
    if (p.requires_grad() && name.find("lora_") == std::string::npos) fully_trained.push_back(name);
  std::cout << python_repr(fully_trained) << "\n";
  return lora_config;
}

// In [7] and In [8]: the Trainer, then the loss curve from its history.jsonl.
void train(bert::BertForQuestionAnswering& model, const finetune::QaFeatures& train_features, const Lab05Options& o) {
  cell(7, fmt::format("from transformers import Trainer, TrainingArguments\n"
                      "args = TrainingArguments(output_dir=\"{}\", max_steps={}, per_device_train_batch_size={},\n"
                      "                         learning_rate={:g}, warmup_ratio=0.1, weight_decay=0.01, "
                      "logging_steps=1, seed={})\n"
                      "trainer = Trainer(model=model, args=args, train_dataset=train_features)\n"
                      "trainer.train()",
                      o.output_dir, o.steps, o.batch_size, o.learning_rate, o.seed));
  const finetune::TrainingArguments args{.output_dir = o.output_dir,
                                        .max_steps = o.steps,
                                        .per_device_train_batch_size = o.batch_size,
                                        .learning_rate = o.learning_rate,  // warmup_ratio 0.1, weight_decay 0.01: the defaults
                                        .seed = o.seed,
                                        .overwrite_output_dir = true};  // each run of the lab replaces the last one
  finetune::Trainer trainer(model, args, static_cast<int64_t>(train_features.windows.size()),
                            [&](const std::vector<int64_t>& rows) { return finetune::qa_step(model, train_features, rows); });
  trainer.train();  // the progress bar is on stderr

  const fs::path history = fs::path(o.output_dir) / "history.jsonl";
  cell(8, "losses = [h[\"loss\"] for h in trainer.state.log_history if \"loss\" in h]  # also history.svg\n"
          "for i in range(0, len(losses), block := -(-len(losses) // 10)):\n"
          "    print(f\"steps {i+1:>4}-{min(i+block, len(losses)):<4} loss {sum(losses[i:i+block]) / len(losses[i:i+block]):.3f}\")");
  print_loss_curve(history, o.steps);
  viz::write_history_plot(history, fs::path(o.output_dir) / "history.svg");
}

// In [10] and In [11]: the adapter on disk, then merged into the weights.
void save_and_merge(bert::BertForQuestionAnswering& model, const peft::LoraConfig& lora_config,
                    const tokenizer::Encoding& window, const Lab05Options& o) {
  const fs::path adapter_dir = fs::path(o.output_dir) / "adapter";
  cell(10, fmt::format("model.save_pretrained(\"{}\")\n"
                       "for f in sorted(os.listdir(\"{}\")):\n"
                       "    print(f, os.path.getsize(os.path.join(\"{}\", f)))",
                       adapter_dir.string(), adapter_dir.string(), adapter_dir.string()));
  peft::save_adapter(model, lora_config, adapter_dir);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(adapter_dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) std::cout << fmt::format("{} {}\n", f.filename().string(), fs::file_size(f));

  cell(11, "window = {k: torch.tensor([eval_features[k][0]]) for k in (\"input_ids\", \"token_type_ids\", \"attention_mask\")}\n"
           "with torch.no_grad():\n"
           "    before = model.base_model(**window)  # PeftModelForQuestionAnswering drops token_type_ids\n"
           "    merged = model.merge_and_unload()  # W += (lora_alpha / r) * B @ A, then plain Linears again\n"
           "    after = merged(**window)\n"
           "print((after.start_logits - before.start_logits).abs().max().item(),\n"
           "      (after.end_logits - before.end_logits).abs().max().item())");
  const auto [start_before, end_before] = window_logits(model, window);
  peft::merge_and_unload(model);
  const auto [start_after, end_after] = window_logits(model, window);
  std::cout << fmt::format("{:.3g} {:.3g}\n", max_abs_difference(start_after, start_before),
                           max_abs_difference(end_after, end_before));
}

}  // namespace

void lab05_lora_qa(const Lab05Options& o) {
  cell(1, fmt::format("from transformers import AutoTokenizer, AutoModelForQuestionAnswering, set_seed\n"
                      "set_seed({})\n"
                      "tokenizer = AutoTokenizer.from_pretrained(\"{}\")\n"
                      "model = AutoModelForQuestionAnswering.from_pretrained(\"{}\")",
                      o.seed, o.lab.model, o.lab.model));
  default_generator().manual_seed(o.seed);  // the new qa_outputs head's initial weights
  const tokenizer::BertTokenizer tokenizer = load_tokenizer(o.lab.model);
  const std::unique_ptr<bert::BertForQuestionAnswering> model = load_model<bert::BertForQuestionAnswering>(o.lab);
  const int64_t max_length = cli::fit_max_length(o.max_length, model->bert.config);

  const QaData d = prepare_data(o, tokenizer, max_length);

  const peft::LoraConfig lora_config = add_lora(*model, o);

  cell(6, "import evaluate\n"
          "squad_metric = evaluate.load(\"squad\")\n"
          "def evaluate_qa(model):  # run_qa.py's postprocess_qa_predictions, then the official metric\n"
          "    start_logits, end_logits = predict(model, eval_features)\n"
          "    predictions = postprocess_qa_predictions(eval_examples, eval_features, start_logits, end_logits,\n"
          "                                             n_best_size=20, max_answer_length=30)\n"
          "    return squad_metric.compute(predictions=predictions, references=eval_examples), predictions\n"
          "m, predictions = evaluate_qa(model)\n"
          "print(f\"exact_match {m['exact_match']:.1f} | f1 {m['f1']:.1f}\")");
  std::cout << metrics_line(finetune::evaluate_qa(*model, d.eval_examples, d.eval_features)) << "\n";

  train(*model, d.train_features, o);

  cell(9, "m, predictions = evaluate_qa(model)\n"
          "print(f\"exact_match {m['exact_match']:.1f} | f1 {m['f1']:.1f}\")\n"
          "for e, p in list(zip(eval_examples, predictions))[:3]:\n"
          "    print(e[\"question\"], \"->\", p[\"prediction_text\"], \"| answer:\", e[\"answers\"][0][\"text\"])");
  const std::vector<finetune::QaPrediction> predictions = finetune::predict_qa(*model, d.eval_examples, d.eval_features);
  std::cout << metrics_line(finetune::squad_metrics(predictions, d.eval_examples)) << "\n";
  for (size_t i = 0; i < std::min<size_t>(3, predictions.size()); ++i)
    std::cout << fmt::format("{} -> {} | answer: {}\n", d.eval_examples[i].question, predictions[i].text,
                             d.eval_examples[i].answers[0].text);

  save_and_merge(*model, lora_config, d.eval_features.windows[0], o);
}

}  // namespace bertlab::lab

int main(int argc, char** argv) {
  bertlab::lab::Lab05Options o;
  CLI::App app("Lab 05: LoRA fine-tuning for question answering (SQuAD v1.1), cell by cell");
  app.add_option("model", o.lab.model, "model folder or name")->capture_default_str();
  app.add_option("--squad", o.squad, "SQuAD v1.1 JSON (e.g. dev-v1.1.json); default: examples/data/mini-qa.json");
  app.add_option("--train-articles", o.train_articles, "articles BEGIN:END to train on (default 0:40, mini set 0:6)");
  app.add_option("--eval-articles", o.eval_articles, "articles BEGIN:END to evaluate on (default 40:48, mini set 6:8)");
  app.add_option("--max-eval-questions", o.max_eval_questions, "the first N evaluation questions (0: all)")
      ->capture_default_str();
  app.add_option("--max-length", o.max_length, "tokens per window")->capture_default_str();
  app.add_option("--doc-stride", o.doc_stride, "overlap between windows, in tokens")->capture_default_str();
  app.add_option("--r", o.r, "LoRA rank")->capture_default_str();
  app.add_option("--lora-alpha", o.lora_alpha, "LoRA alpha (scaling = alpha / r)")->capture_default_str();
  app.add_option("--lora-dropout", o.lora_dropout, "dropout on the LoRA path")->capture_default_str();
  app.add_option("--target-modules", o.target_modules, "Linears to adapt (name suffixes)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "windows per step")->capture_default_str();
  app.add_option("--lr", o.learning_rate, "peak learning rate")->capture_default_str();
  app.add_option("--seed", o.seed, "head init, data order and dropout")->capture_default_str();
  app.add_option("--output", o.output_dir, "folder for history.jsonl/svg and the adapter (replaced)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    bertlab::lab::lab05_lora_qa(o);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
