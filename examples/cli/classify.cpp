// bertlab classify: the label of a text (or a text pair) by a fine-tuned classifier.
//
//   bertlab classify --model finetuned-cls "a charming and often affecting journey"
//   label: 1   probabilities: 0 0.0412, 1 0.9588
// Label names come from the model's config.json (id2label).
#include <fmt/format.h>

#include <algorithm>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "finetune/finetune.h"             // defines: predict_classification
#include "examples/cli/commands.h"
#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype
#include "examples/cli/model_checks.h"  // defines: require_finite, fit_max_length

namespace bertlab::cli {

void add_classify_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("classify", "Classify a text (or a pair) with a fine-tuned model");
  struct Options {
    std::string model, text, text_pair, dtype = "float32";
    int64_t max_length = 512;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model, "fine-tuned model folder (from finetune-cls)")->required();
  cmd->add_option("text", opt->text, "the text")->required();
  cmd->add_option("text2", opt->text_pair, "optional second text (sentence pairs)");
  add_dtype_option(*cmd, opt->dtype);
  cmd->callback([opt] {
    const auto tok = tokenizer::BertTokenizer::from_pretrained(opt->model);
    auto model = bert::from_pretrained<bert::BertForSequenceClassification>(opt->model);
    apply_dtype(*model, opt->dtype);
    const bert::BertConfig& config = model->bert.config;
    finetune::ClassificationDataset one{{opt->text}, {}, {0}, config.id2label, {}};
    if (!opt->text_pair.empty()) one.text_pairs = {opt->text_pair};
    const std::vector<float> p = finetune::predict_classification(*model, tok, one, fit_max_length(opt->max_length, config)).front();
    require_finite(*model, p, "classify");
    auto name = [&](size_t k) { return k < config.id2label.size() ? config.id2label[k] : fmt::format("LABEL_{}", k); };
    std::vector<std::string> parts;
    for (size_t k = 0; k < p.size(); ++k) parts.push_back(fmt::format("{} {:.4f}", name(k), p[k]));
    fmt::print("label: {}\nprobabilities: {}\n", name(std::max_element(p.begin(), p.end()) - p.begin()),
               fmt::join(parts, ", "));
  });
}

}  // namespace bertlab::cli
