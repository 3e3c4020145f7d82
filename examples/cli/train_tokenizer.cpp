// `bertlab train-tokenizer`: a new BERT vocabulary from text files, as HF tokenizers'
//   BertWordPieceTokenizer(lowercase=..., strip_accents=...).train(files, vocab_size=N,
//       min_frequency=2, limit_alphabet=1000,
//       special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], wordpieces_prefix="##")
//   bertlab train-tokenizer --corpus a.txt b.txt --vocab-size 8000 --out my-tokenizer
// writes my-tokenizer/vocab.txt and tokenizer_config.json, which `bertlab tokenize --model
// my-tokenizer` (and HF's BertTokenizer.from_pretrained) load.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "examples/cli/commands.h"          // defines: add_train_tokenizer_command
#include "tokenizer/vocab.h"              // defines: Vocab
#include "tokenizer/wordpiece_trainer.h"  // defines: WordPieceTrainer, initial_part_of, save_vocab_txt

namespace bertlab::cli {

namespace {

// What BertTokenizer needs to split text as the trainer did.
void write_tokenizer_config(const std::filesystem::path& path, bool lowercase, std::optional<bool> strip_accents) {
  const nlohmann::json config = {
      {"tokenizer_class", "BertTokenizer"},
      {"do_lower_case", lowercase},
      {"strip_accents", strip_accents ? nlohmann::json(*strip_accents) : nlohmann::json(nullptr)},
      {"tokenize_chinese_chars", true},
      {"unk_token", "[UNK]"},
      {"sep_token", "[SEP]"},
      {"pad_token", "[PAD]"},
      {"cls_token", "[CLS]"},
      {"mask_token", "[MASK]"},
      {"model_max_length", 512},
  };
  std::ofstream(path) << config.dump(2) << '\n';
}

// The lines of a vocab.txt.
std::vector<std::string> tokens_of(const std::string& path) {
  const tokenizer::Vocab vocab = tokenizer::Vocab::from_file(path);
  std::vector<std::string> tokens;
  for (size_t id = 0; id < vocab.size(); ++id) tokens.push_back(vocab.token(static_cast<int64_t>(id)));
  return tokens;
}

}  // namespace

void add_train_tokenizer_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train-tokenizer", "Train a WordPiece vocabulary on text files, as HF tokenizers");
  struct Options {
    std::vector<std::string> corpus;
    size_t vocab_size = 0;
    uint64_t min_frequency = 2;
    size_t limit_alphabet = 1000;
    bool lowercase = true;
    std::optional<bool> strip_accents;
    std::string out;
    std::string initial_vocab;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--corpus", opt->corpus, "text files (UTF-8), read line by line")->required();
  cmd->add_option("--vocab-size", opt->vocab_size, "the number of tokens to grow the vocabulary to")->required();
  cmd->add_option("--min-frequency", opt->min_frequency, "stop when the best pair occurs fewer times (default 2)");
  cmd->add_option("--limit-alphabet", opt->limit_alphabet, "keep this many characters, the most frequent (default 1000)");
  cmd->add_flag("--lowercase,!--no-lowercase", opt->lowercase, "lowercase the text (default: yes)");
  // Unset, HF's strip_accents=None: strip when lowercasing.
  cmd->add_flag_callback("--strip-accents", [opt] { opt->strip_accents = true; }, "remove accents (default: when lowercasing)");
  cmd->add_flag_callback("--no-strip-accents", [opt] { opt->strip_accents = false; }, "keep accents, even when lowercasing");
  cmd->add_option("--out", opt->out, "the folder to write vocab.txt and tokenizer_config.json to")->required();
  cmd->add_option("--initial-vocab", opt->initial_vocab,
                  "start from the first tokens (specials, characters, ##characters) of this vocab.txt, e.g. HF's");
  cmd->callback([opt] {
    tokenizer::WordPieceTrainerOptions options;
    options.vocab_size = opt->vocab_size;
    options.min_frequency = opt->min_frequency;
    options.limit_alphabet = opt->limit_alphabet;
    options.special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    tokenizer::WordPieceTrainer trainer(options, tokenizer::BasicTokenizer(opt->lowercase, opt->strip_accents));
    for (const std::string& file : opt->corpus) trainer.feed_file(file);
    const std::vector<std::string> vocab =
        opt->initial_vocab.empty()
            ? trainer.train()
            : trainer.train(tokenizer::initial_part_of(tokens_of(opt->initial_vocab), options));

    std::filesystem::create_directories(opt->out);
    const std::filesystem::path out(opt->out);
    tokenizer::save_vocab_txt(vocab, (out / "vocab.txt").string());
    write_tokenizer_config(out / "tokenizer_config.json", opt->lowercase, opt->strip_accents);
    uint64_t words = 0;
    for (const auto& w : trainer.word_counts()) words += w.count;
    std::cout << fmt::format("{} words ({} distinct) -> {} tokens in {}\n", words, trainer.word_counts().size(),
                             vocab.size(), (out / "vocab.txt").string());
  });
}

}  // namespace bertlab::cli
