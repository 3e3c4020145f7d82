// bertlab quantize-report: what int8 (or bf16) Linears cost in accuracy, measured on a model (the
// error ledger of docs/quantization.md). The same model is loaded twice, once kept in float32 and
// once through nn::quantize_dynamic, and their outputs are compared:
//
//   bertlab quantize-report --model bertlab-mini
//     layer by layer on the notebook's five sentences: the largest |int8 - float32| of the hidden
//     states and their signal-to-noise ratio, 10·log10(Σ float² / Σ (int8 - float)²) in dB;
//     then fill-mask on the same sentences: how often the top-1 word and the top-5 list agree.
//   bertlab quantize-report --classifier finetuned-sst2 --eval dev.tsv --text sentence --label label
//     accuracy (and F1 for two labels) of a fine-tuned classifier in float32 and in int8.
// --dtype bf16 measures bf16 instead (on any CPU: without AVX512-BF16 the portable kernel runs).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "bert/checkpoint.h"                 // defines: from_pretrained
#include "examples/cli/commands.h"           // defines: add_quantize_report_command
#include "examples/cli/model_checks.h"       // defines: fit_max_length
#include "examples/lab/notebook.h"           // defines: load_model, load_tokenizer, kMaskedSents
#include "finetune/finetune.h"               // defines: evaluate_classification
#include "pipelines/fill_mask.h"             // defines: fill_mask
#include "pipelines/return_tensors.h"        // defines: return_tensors
#include "tensor/autograd.h"                 // defines: NoGradGuard
#include "nn/linear.h"                       // defines: Linear
#include "nn/quantized_linear.h"             // defines: quantize_dynamic, DynamicQuantizedLinear

namespace bertlab::cli {

namespace {

// Σ want², Σ (got - want)² and max |got - want| over every pair of values seen.
struct ErrorSums {
  double signal = 0.0, noise = 0.0, max_abs = 0.0;
  void add(const Tensor& want, const Tensor& got) {
    for (int64_t i = 0; i < want.numel(); ++i) {
      const double w = want.data()[i], d = double{got.data()[i]} - w;
      signal += w * w, noise += d * d, max_abs = std::max(max_abs, std::fabs(d));
    }
  }
  double snr_db() const { return noise == 0.0 ? INFINITY : 10.0 * std::log10(signal / noise); }
};

// model.eval() and every Linear in `dtype` ("int8" or "bf16"), whatever the CPU has.
void quantize(nn::Module& model, const std::string& dtype) {
  model.eval();
  nn::quantize_dynamic(model, dtype == "bf16" ? nn::QuantizedDtype::bfloat16 : nn::QuantizedDtype::qint8);
}

// Bytes of the Linears' weights: float32 before quantize_dynamic, packed int8/bf16 after.
int64_t linear_weight_bytes(const nn::Module& model) {
  int64_t bytes = 0;
  for (const auto& [name, m] : model.named_modules()) {
    if (const auto* linear = dynamic_cast<const nn::Linear*>(m)) bytes += linear->weight.numel() * 4;
    if (const auto* q = dynamic_cast<const nn::DynamicQuantizedLinear*>(m)) bytes += q->weight_bytes();
  }
  return bytes;
}

void report_masked_lm(const std::string& model_name, const std::string& dtype) {
  const tokenizer::BertTokenizer tok = lab::load_tokenizer(model_name);
  const auto fp32 = lab::load_model<bert::BertForMaskedLM>({.model = model_name});
  const auto low = lab::load_model<bert::BertForMaskedLM>({.model = model_name});
  fp32->eval();
  quantize(*low, dtype);
  const int64_t bytes_before = linear_weight_bytes(*fp32), bytes_after = linear_weight_bytes(*low);
  const int64_t layers = fp32->bert.config.num_hidden_layers;
  fmt::print("{}: every Linear in {}, kernel {}\n", model_name,
             dtype == "bf16" ? "bf16 (inputs and weights rounded to bf16, float32 sums)"
                             : "int8 (per-row weights, per-token activations)",
             dtype == "bf16" ? kernels::to_string(kernels::best_bf16_kernel())
                             : kernels::to_string(kernels::best_int8_kernel()));
  fmt::print("the Linears' weights: {:.1f} MB in float32, {:.1f} MB in {}\n\n", bytes_before / 1e6, bytes_after / 1e6, dtype);

  // hidden_states[0] is the embeddings' output (no Linear before it: no error), then one per layer.
  std::vector<ErrorSums> hidden(layers + 1);
  ErrorSums logits;
  NoGradGuard no_grad;
  for (const std::string& sentence : lab::kMaskedSents) {
    const pipelines::ModelInputs in = pipelines::return_tensors(tok(sentence));
    const auto want = fp32->forward(in.input_ids, in.attention_mask, in.token_type_ids, {}, true);
    const auto got = low->forward(in.input_ids, in.attention_mask, in.token_type_ids, {}, true);
    for (int64_t l = 0; l <= layers; ++l) hidden[l].add(want.bert.hidden_states[l], got.bert.hidden_states[l]);
    logits.add(want.logits, got.logits);
  }
  fmt::print("On the notebook's {} sentences, {} against float32:\n", lab::kMaskedSents.size(), dtype);
  fmt::print("{:<16}{:>14}{:>12}\n", "output", "max |error|", "SNR (dB)");
  for (int64_t l = 1; l <= layers; ++l)
    fmt::print("{:<16}{:>14.4g}{:>12.1f}\n", fmt::format("layer {}", l), hidden[l].max_abs, hidden[l].snr_db());
  fmt::print("{:<16}{:>14.4g}{:>12.1f}\n\n", "MLM logits", logits.max_abs, logits.snr_db());

  int top1 = 0, overlap = 0, listed = 0;
  for (const std::string& sentence : lab::kMaskedSents) {
    const auto want = pipelines::fill_mask(*fp32, tok, sentence, 5, {}).front();
    const auto got = pipelines::fill_mask(*low, tok, sentence, 5, {}).front();
    top1 += want.front().token == got.front().token;
    std::set<int64_t> want_tokens;
    for (const auto& p : want) want_tokens.insert(p.token);
    for (const auto& p : got) overlap += want_tokens.count(p.token) > 0;
    listed += static_cast<int>(want.size());
  }
  fmt::print("fill-mask: the same top-1 word in {} of {} sentences; {} of the {} top-5 words the same\n", top1,
             lab::kMaskedSents.size(), overlap, listed);
}

void report_classifier(const std::string& model_dir, const std::string& eval, const finetune::ClassificationColumns& columns,
                       int64_t max_length, const std::string& dtype) {
  const auto tok = tokenizer::BertTokenizer::from_pretrained(model_dir);
  const finetune::ClassificationDataset data = finetune::read_classification_file(eval, columns);
  fmt::print("{} on {} ({} examples):\n{:<10}", model_dir, eval, data.labels.size(), "");
  std::map<std::string, std::map<std::string, double>> scores;
  for (const std::string& d : {std::string("float32"), dtype}) {
    auto model = bert::from_pretrained<bert::BertForSequenceClassification>(model_dir);
    if (d == "float32") model->eval();
    else quantize(*model, d);
    scores[d] = finetune::evaluate_classification(*model, tok, data, fit_max_length(max_length, model->bert.config));
  }
  for (const auto& [metric, value] : scores["float32"]) fmt::print("{:>12}", metric);
  fmt::print("\n");
  for (const std::string& d : {std::string("float32"), dtype}) {
    fmt::print("{:<10}", d);
    for (const auto& [metric, value] : scores[d]) fmt::print("{:>12.4f}", value);
    fmt::print("\n");
  }
  fmt::print("{:<10}", "change");
  for (const auto& [metric, value] : scores["float32"]) fmt::print("{:>+12.4f}", scores[dtype][metric] - value);
  fmt::print("\n");
}

}  // namespace

void add_quantize_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("quantize-report", "What int8 or bf16 Linears change in a model's outputs");
  struct Options {
    std::string model, classifier, eval, dtype = "int8";
    finetune::ClassificationColumns columns;
    int64_t max_length = 128;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model, "a BertForMaskedLM (folder, or name): layer errors and fill-mask agreement");
  cmd->add_option("--classifier", opt->classifier, "a fine-tuned classifier folder (from finetune-cls)");
  cmd->add_option("--eval", opt->eval, "with --classifier: the evaluation data");
  cmd->add_option("--text", opt->columns.text, "text column: header name or 0-based index")->capture_default_str();
  cmd->add_option("--text-pair", opt->columns.text_pair, "second text column (sentence pairs)");
  cmd->add_option("--label", opt->columns.label, "label column: header name or 0-based index")->capture_default_str();
  cmd->add_option("--max-length", opt->max_length, "tokens per sequence")->capture_default_str();
  cmd->add_option("--dtype", opt->dtype, "what to measure against float32")
      ->check(CLI::IsMember({"int8", "bf16"}))
      ->capture_default_str();
  cmd->callback([opt] {
    if (opt->model.empty() && opt->classifier.empty())
      throw CLI::ValidationError("quantize-report", "give --model, or --classifier with --eval");
    if (!opt->classifier.empty() && opt->eval.empty())
      throw CLI::ValidationError("--classifier", "needs --eval: the data to measure accuracy on");
    if (!opt->model.empty()) report_masked_lm(opt->model, opt->dtype);
    if (!opt->model.empty() && !opt->classifier.empty()) fmt::print("\n");
    if (!opt->classifier.empty()) report_classifier(opt->classifier, opt->eval, opt->columns, opt->max_length, opt->dtype);
  });
}

}  // namespace bertlab::cli
