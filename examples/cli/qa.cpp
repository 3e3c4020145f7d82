// bertlab qa: answer a question from a context with a fine-tuned QA model.
//
//   bertlab qa --model finetuned-qa "what is the color of the car ?" "the color of the car is red ."
//   answer: red
//   score: 0.9731   span: [24, 27)   (code points of the context)
// The context is cut into 384-token windows with a 128-token overlap, as in training.
#include <fmt/format.h>

#include "bert/checkpoint.h"  // defines: from_pretrained
#include "finetune/finetune.h"    // defines: predict_qa
#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype
#include "examples/cli/commands.h"
#include "examples/cli/model_checks.h"  // defines: require_finite, fit_max_length

namespace bertlab::cli {

void add_qa_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("qa", "Answer a question from a context with a fine-tuned model");
  struct Options {
    std::string model, question, context, dtype = "float32";
    int64_t max_length = 384, doc_stride = 128;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model, "fine-tuned model folder (from finetune-qa)")->required();
  cmd->add_option("question", opt->question, "the question")->required();
  cmd->add_option("context", opt->context, "the text that holds the answer")->required();
  cmd->add_option("--max-length", opt->max_length, "tokens per window")->capture_default_str();
  cmd->add_option("--doc-stride", opt->doc_stride, "overlap between windows")->capture_default_str();
  add_dtype_option(*cmd, opt->dtype);
  cmd->callback([opt] {
    const auto tok = tokenizer::BertTokenizer::from_pretrained(opt->model);
    auto model = bert::from_pretrained<bert::BertForQuestionAnswering>(opt->model);
    apply_dtype(*model, opt->dtype);
    const std::vector<finetune::SquadExample> examples = {{"", "", opt->question, opt->context, {}}};
    const int64_t max_length = fit_max_length(opt->max_length, model->bert.config);
    const auto features = finetune::prepare_qa_features(tok, examples, max_length, opt->doc_stride);
    const finetune::QaPrediction p = finetune::predict_qa(*model, examples, features).front();
    require_finite(*model, {static_cast<float>(p.score), static_cast<float>(p.probability)}, "qa");
    fmt::print("answer: {}\nscore: {:.4f}   span: [{}, {})   (code points of the context)\n", p.text, p.probability,
               p.start, p.end);
  });
}

}  // namespace bertlab::cli
