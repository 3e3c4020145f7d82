// bertlab pretrain: train a BertForMaskedLM from random weights on text files, as HF's run_mlm.py.
//
//   bertlab pretrain --corpus a.txt b.txt --tokenizer my-tokenizer --config tiny --out my-bert
// --tokenizer is a folder with vocab.txt (e.g. the output of `bertlab train-tokenizer`); --config
// is a preset (tiny, mini) or a config.json. The first --validation-split-percentage % of the
// lines are held out for eval_loss and eval_accuracy (the share of masked tokens guessed right).
// The output is a HF model folder (config.json with BertForMaskedLM, model.safetensors,
// vocab.txt) for `bertlab fill-mask`, `bertlab finetune-*` and transformers' from_pretrained;
// --save-dtype float16 stores it in half the bytes (models/bertlab-mini was made so).
#include <fmt/format.h>

#include "bert/for_masked_lm.h"             // defines: BertForMaskedLM
#include "examples/cli/commands.h"
#include "examples/cli/training_options.h"  // defines: TrainingOptions, save_finetuned
#include "finetune/mlm_data.h"              // defines: read_text_lines, split_validation, mlm_examples
#include "finetune/pretraining.h"           // defines: MlmData, pretraining_step, evaluate_mlm
#include "tensor/error.h"                   // defines: BERT_CHECK
#include "tensor/random.h"                  // defines: Generator

namespace bertlab::cli {

namespace {

namespace fs = std::filesystem;

struct PretrainOptions {
  TrainingOptions train;
  std::vector<std::string> corpus;
  std::string tokenizer, config = "tiny", save_dtype = "float32";
  bool whole_word_mask = false, line_by_line = false;
  double mlm_probability = 0.15;
  int64_t validation_split_percentage = 5;
};

// The model sizes of Google's small BERTs (Turc et al. 2019, "Well-Read Students Learn Better"):
// tiny L=2 H=128, mini L=4 H=256, with 64-wide heads and FFN = 4H as in BERT-base.
bert::BertConfig model_config(const std::string& preset_or_file, int64_t vocab_size) {
  bert::BertConfig config;
  if (preset_or_file == "tiny" || preset_or_file == "mini") {
    const bool tiny = preset_or_file == "tiny";
    config.hidden_size = tiny ? 128 : 256;
    config.num_hidden_layers = tiny ? 2 : 4;
    config.num_attention_heads = config.hidden_size / 64;
    config.intermediate_size = 4 * config.hidden_size;
    config.vocab_size = vocab_size;
  } else {
    BERT_CHECK(fs::exists(preset_or_file), "--config: expected tiny, mini or a config.json file, got \"{}\"",
               preset_or_file);
    config = bert::BertConfig::from_json_file(preset_or_file);
    BERT_CHECK(config.vocab_size >= vocab_size, "--config {}: vocab_size {} is smaller than the tokenizer's "
               "vocabulary ({} tokens)", preset_or_file, config.vocab_size, vocab_size);
  }
  config.architectures = {"BertForMaskedLM"};
  config.id2label.clear();
  return config;
}

void run_pretrain(const PretrainOptions& o) {
  const auto tok = tokenizer::BertTokenizer::from_pretrained(o.tokenizer);
  const bert::BertConfig config = model_config(o.config, static_cast<int64_t>(tok.vocab().size()));
  BERT_CHECK(o.train.max_length <= config.max_position_embeddings, "--max-length {}: expected at most the model's "
             "max_position_embeddings ({})", o.train.max_length, config.max_position_embeddings);

  const std::vector<fs::path> files(o.corpus.begin(), o.corpus.end());
  const finetune::TextSplits lines =
      finetune::split_validation(finetune::read_text_lines(files), o.validation_split_percentage);
  finetune::MlmMaskingOptions masking;
  masking.mlm_probability = o.mlm_probability;
  masking.whole_word_mask = o.whole_word_mask;
  const finetune::MlmVocabulary vocab = finetune::MlmVocabulary::of(tok);
  const finetune::MlmData train{finetune::mlm_examples(lines.train, tok, o.train.max_length, o.line_by_line), vocab,
                                masking, o.train.seed};
  const finetune::MlmData eval{finetune::mlm_examples(lines.validation, tok, o.train.max_length, o.line_by_line),
                               vocab, masking, o.train.seed};
  BERT_CHECK(!train.examples.empty(), "pretrain: no training examples from {} lines. Hint: more text, or a shorter "
             "--max-length (each block holds exactly max_length tokens)", lines.train.size());
  fmt::print("{} training and {} evaluation {} of up to {} tokens; unigram baseline loss {:.4f}\n",
             train.examples.size(), eval.examples.size(), o.line_by_line ? "lines" : "blocks", o.train.max_length,
             finetune::unigram_entropy(train.examples, vocab));

  bert::BertForMaskedLM model(config);
  Generator init(o.train.seed);
  bert::init_bert_weights(model, config.initializer_range, init);
  fmt::print("BertForMaskedLM: {} layers, hidden {}, vocab {}: {} parameters\n", config.num_hidden_layers,
             config.hidden_size, config.vocab_size, model.num_parameters());
  const finetune::TrainingArguments args = training_arguments(o.train);
  finetune::EvalFn evaluate;
  if (!eval.examples.empty()) evaluate = [&] { return finetune::evaluate_mlm(model, eval); };
  // The loss function asks the Trainer (by then constructed) which epoch each row is in.
  finetune::Trainer trainer(
      model, args, static_cast<int64_t>(train.examples.size()),
      [&](const std::vector<int64_t>& rows) {
        return finetune::pretraining_step(model, train, rows, trainer.micro_batch_epochs());
      },
      evaluate);
  trainer.train(o.train.resume.empty() ? std::nullopt : std::optional<fs::path>(o.train.resume));
  for (const auto& [name, value] : trainer.last_metrics()) fmt::print("{} = {:.4f}\n", name, value);
  save_finetuned(model, config, o.tokenizer, o.train.output, std::nullopt, o.save_dtype);
}

}  // namespace

void add_pretrain_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("pretrain", "Pretrain a BERT (masked LM) from scratch on text files, as run_mlm.py");
  auto opt = std::make_shared<PretrainOptions>();
  opt->train.output = "pretrained";
  opt->train.lr = 5e-4;  // small models from scratch learn well at 10x run_mlm's fine-tuning default
  opt->train.steps = 1000;
  opt->train.batch_size = 32;
  cmd->add_option("--corpus", opt->corpus, "text files (UTF-8), one text per line")->required();
  cmd->add_option("--tokenizer", opt->tokenizer, "folder with vocab.txt (e.g. from `bertlab train-tokenizer`)")
      ->required();
  cmd->add_option("--config", opt->config, "model size: tiny, mini or a config.json")->capture_default_str();
  cmd->add_option("--out,--output", opt->train.output, "folder for the model, history.jsonl and checkpoints")
      ->capture_default_str();
  add_optimization_options(cmd, opt->train);
  cmd->add_flag("--whole-word-mask", opt->whole_word_mask, "mask all pieces of a word together (DataCollatorForWholeWordMask)");
  cmd->add_flag("--line-by-line", opt->line_by_line, "one example per line, padded, instead of blocks of --max-length");
  cmd->add_option("--mlm-probability", opt->mlm_probability, "share of tokens to predict")->capture_default_str();
  cmd->add_option("--save-dtype", opt->save_dtype,
                  "dtype of the saved model.safetensors: float16 halves its size (checkpoints stay float32)")
      ->check(CLI::IsMember({"float32", "float16"}))
      ->capture_default_str();
  cmd->add_option("--validation-split-percentage", opt->validation_split_percentage,
                  "percent of the lines (the first ones) held out for evaluation")->capture_default_str();
  cmd->callback([opt] { run_pretrain(*opt); });
}

}  // namespace bertlab::cli
