// Lab 06: your own BERT. Everything the notebook took from "bert-base-uncased" is made here, from
// children's books: a WordPiece vocabulary, a small BertForMaskedLM pretrained from random weights,
// and the notebook's fill-mask (In [15]..In [19]) answered by it. Cell by cell, as HF's tokenizers,
// run_mlm.py and the Trainer would do it.
//
//   ./build/examples/lab06_pretrain [books folder] [--steps 3000 ...]   (--help: all options)
// The folder holds Project Gutenberg plain-text books (the default: ../shared/datasets/gutenberg-children
// beside the repository, or $BERTLAB_GUTENBERG_DIR); examples/data/gutenberg-mini runs every cell in
// seconds. docs/labs/en/06-pretrain.md has the lab-sized run and its output.
// Code that does the work: tokenizer/wordpiece_trainer.cpp (the vocabulary), finetune/mlm_data.cpp
// (blocks), finetune/mlm_masking.cpp (the 15% and 80/10/10), finetune/pretraining.cpp (the loss at
// the masked tokens, evaluation, the unigram baseline), finetune/trainer.cpp (the loop),
// pipelines/fill_mask.cpp (fill-mask).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "bert/for_masked_lm.h"            // defines: BertForMaskedLM
#include "bert/model.h"                    // defines: init_bert_weights
#include "examples/cli/training_options.h" // defines: save_finetuned
#include "examples/lab/notebook.h"         // defines: cell, load_tokenizer, load_model, kMaskedSents
#include "examples/lab/python_print.h"     // defines: python_repr
#include "finetune/mlm_data.h"             // defines: read_text_lines, split_validation, mlm_examples
#include "finetune/pretraining.h"          // defines: MlmData, pretraining_step, evaluate_mlm, token_counts, unigram_entropy
#include "finetune/trainer.h"              // defines: Trainer, TrainingArguments
#include "pipelines/fill_mask.h"           // defines: fill_mask
#include "tensor/error.h"                  // defines: BERT_CHECK
#include "tensor/random.h"                 // defines: Generator
#include "tokenizer/unicode.h"             // defines: decode_utf8, encode_utf8
#include "tokenizer/wordpiece_trainer.h"   // defines: WordPieceTrainer, initial_part_of, save_vocab_txt
#include "viz/curves.h"                    // defines: read_history

namespace bertlab::lab {

namespace fs = std::filesystem;

namespace {

struct Lab06Options {
  std::string corpus;  // "": $BERTLAB_GUTENBERG_DIR, else ../shared/datasets/gutenberg-children
  size_t vocab_size = 8000;
  int64_t validation_split_percentage = 5;
  int64_t max_length = 128;
  // The model: hidden 128, 2 layers, 2 heads of 64, FFN 4 x 128 (Google's BERT-tiny shape). A
  // small model sees more text in the lab's half hour, and from scratch that matters most.
  int64_t hidden_size = 128, num_hidden_layers = 2, num_attention_heads = 2;
  int64_t steps = 4000, batch_size = 32, eval_every = 500;
  double learning_rate = 2e-3, warmup_ratio = 0.05;
  uint64_t seed = 42;
  std::string output_dir = "runs/lab06";
};

// The children's books of the project's shared datasets (see their PROVENANCE.md).
fs::path default_corpus() {
  if (const char* dir = std::getenv("BERTLAB_GUTENBERG_DIR"); dir && *dir) return dir;
  return fs::path(BERTLAB_SOURCE_DIR) / ".." / "shared" / "datasets" / "gutenberg-children";
}

// The books of a folder: its .txt files whose name holds the book's Project Gutenberg number
// ("11-0.txt", "pg11.txt"; not "PROJECT-GUTENBERG-LICENSE.txt"), in name order.
std::vector<fs::path> book_files(const fs::path& folder) {
  std::vector<fs::path> books;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() == ".txt" &&
          std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); }))
        books.push_back(entry.path());
    }
  std::sort(books.begin(), books.end());
  BERT_CHECK(!books.empty(),
             "no books in {}: download the Project Gutenberg children's books 11, 113, 120, 271, 289, 45, 500, 503, "
             "708, 778, 902, 1448, 1874, 2591, 11757 and 14838 (https://www.gutenberg.org/ebooks/<number>, \"Plain Text "
             "UTF-8\") into one folder and give it as the first argument",
             folder.string());
  return books;
}

bool contains_ignoring_case(std::string text, const std::string& lower_needle) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text.find(lower_needle) != std::string::npos;
}

// The story of one book: its lines without Project Gutenberg's header and license. The header
// ends with "*** START OF THIS PROJECT GUTENBERG EBOOK ..." (older files: "*END*THE SMALL PRINT!");
// the story ends before the next line that names Project Gutenberg ("End of Project Gutenberg's
// ...", "*** END OF ..."). A file without these markers is all story.
std::vector<std::string> story_lines(const fs::path& book) {
  std::vector<std::string> lines = finetune::read_text_lines({book});
  if (!lines.empty() && lines[0].rfind("\xEF\xBB\xBF", 0) == 0) lines[0].erase(0, 3);  // the UTF-8 BOM
  size_t start = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if ((l.rfind("***", 0) == 0 && l.find("START OF") != std::string::npos) ||
        (l.rfind("*END", 0) == 0 && l.find("SMALL PRINT") != std::string::npos)) {
      start = i + 1;
      break;
    }
  }
  size_t end = start;
  while (end < lines.size() && !contains_ignoring_case(lines[end], "project gutenberg")) ++end;
  return {lines.begin() + static_cast<std::ptrdiff_t>(start), lines.begin() + static_cast<std::ptrdiff_t>(end)};
}

// Project Gutenberg wraps lines at ~70 characters; a blank line ends a paragraph. One paragraph
// per line, so a training block holds running text, not the printer's line breaks.
std::vector<std::string> paragraphs(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  std::string current;
  for (const std::string& line : lines) {
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    const std::string text = line.substr(first, line.find_last_not_of(" \t") - first + 1);
    current += (current.empty() ? "" : " ") + text;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

// text[:n] in Python: the first n characters (code points), not bytes.
std::string first_characters(const std::string& text, size_t n) {
  const std::u32string characters = tokenizer::decode_utf8(text);
  return tokenizer::encode_utf8(std::u32string_view(characters).substr(0, n));
}

size_t count_words(const std::vector<std::string>& texts) {  // whitespace-separated, as str.split()
  size_t words = 0;
  for (const std::string& t : texts)
    for (size_t i = 0; i < t.size(); ++i)
      if (!std::isspace(static_cast<unsigned char>(t[i])) && (i == 0 || std::isspace(static_cast<unsigned char>(t[i - 1]))))
        ++words;
  return words;
}

// In [1]: the books, as paragraphs of story text.
std::vector<std::string> read_books(const fs::path& corpus) {
  cell(1, fmt::format("import glob, os\n"
                      "def story_lines(path):  # without Project Gutenberg's header and license\n"
                      "    lines = open(path, encoding=\"utf-8-sig\").read().splitlines()\n"
                      "    start = next((i + 1 for i, l in enumerate(lines) if l.startswith(\"***\") and \"START OF\" in l\n"
                      "                  or l.startswith(\"*END\") and \"SMALL PRINT\" in l), 0)\n"
                      "    end = next((i for i in range(start, len(lines)) if \"project gutenberg\" in lines[i].lower()), "
                      "len(lines))\n"
                      "    return lines[start:end]\n"
                      "def paragraphs(lines):  # the printer's line breaks out: one paragraph per line\n"
                      "    blocks = \"\\n\".join(l.strip() for l in lines).split(\"\\n\\n\")\n"
                      "    return [\" \".join(b.split(\"\\n\")).strip() for b in blocks if b.strip()]\n"
                      "books = sorted(f for f in glob.glob(\"{}/*.txt\") if any(c.isdigit() for c in os.path.basename(f)))\n"
                      "texts = [p for book in books for p in paragraphs(story_lines(book))]\n"
                      "print(len(books), \"books,\", len(texts), \"paragraphs,\", sum(len(t.split()) for t in texts), \"words\")\n"
                      "print(next(t for t in texts if len(t.split()) >= 20)[:150])  # a paragraph: one line now",
                      corpus.string()));
  const std::vector<fs::path> books = book_files(corpus);
  std::vector<std::string> texts;
  for (const fs::path& book : books)
    for (std::string& p : paragraphs(story_lines(book))) texts.push_back(std::move(p));
  BERT_CHECK(!texts.empty(), "{}: the books hold no story text", corpus.string());
  const auto long_one = std::find_if(texts.begin(), texts.end(), [](const std::string& t) { return count_words({t}) >= 20; });
  std::cout << fmt::format("{} books, {} paragraphs, {} words\n{}\n", books.size(), texts.size(), count_words(texts),
                           long_one == texts.end() ? "" : first_characters(*long_one, 150));
  return texts;
}

// In [2]: a WordPiece vocabulary grown on the books, saved as vocab.txt.
fs::path train_vocabulary(const std::vector<std::string>& texts, const Lab06Options& o) {
  const fs::path tokenizer_dir = fs::path(o.output_dir) / "tokenizer";
  cell(2, fmt::format("from tokenizers import BertWordPieceTokenizer\n"
                      "wordpiece = BertWordPieceTokenizer(lowercase=True)\n"
                      "wordpiece.train_from_iterator(texts, vocab_size={}, min_frequency=2, limit_alphabet=1000,\n"
                      "                              special_tokens=[\"[PAD]\", \"[UNK]\", \"[CLS]\", \"[SEP]\", \"[MASK]\"])\n"
                      "wordpiece.save_model(\"{}\")\n"
                      "vocab = sorted(wordpiece.get_vocab(), key=wordpiece.get_vocab().get)  # in id order\n"
                      "# the special tokens, the characters, the \"##\" characters; then the merges, in the order made\n"
                      "start = next(i for i, t in enumerate(vocab) if i >= 5 and len(t.removeprefix(\"##\")) > 1)\n"
                      "print(len(vocab), vocab[:5])\n"
                      "print(vocab[start:start + 12])\n"
                      "print(vocab[-12:])",
                      o.vocab_size, tokenizer_dir.string()));
  tokenizer::WordPieceTrainerOptions options;
  options.vocab_size = o.vocab_size;
  options.min_frequency = 2;
  options.limit_alphabet = 1000;
  options.special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  tokenizer::WordPieceTrainer trainer(options, tokenizer::BasicTokenizer(/*do_lower_case=*/true));
  for (const std::string& text : texts) trainer.feed(text);
  const std::vector<std::string> vocab = trainer.train();
  fs::create_directories(tokenizer_dir);
  tokenizer::save_vocab_txt(vocab, (tokenizer_dir / "vocab.txt").string());

  const auto slice = [&](size_t begin, size_t end) {
    return python_repr(std::vector<std::string>(vocab.begin() + static_cast<std::ptrdiff_t>(begin),
                                                vocab.begin() + static_cast<std::ptrdiff_t>(end)));
  };
  const size_t start = tokenizer::initial_part_of(vocab, options).size();
  std::cout << fmt::format("{} {}\n{}\n{}\n", vocab.size(), slice(0, 5), slice(start, std::min(vocab.size(), start + 12)),
                           slice(vocab.size() - std::min<size_t>(12, vocab.size()), vocab.size()));
  return tokenizer_dir;
}

// In [3]: one of the notebook's sentences, split by the new vocabulary and by bert-base-uncased's.
void compare_tokenizers(const tokenizer::BertTokenizer& ours, const fs::path& tokenizer_dir) {
  const std::string sentence = "The scent of freshly baked cookies filled the kitchen";
  cell(3, fmt::format("from transformers import BertTokenizer\n"
                      "tokenizer = BertTokenizer.from_pretrained(\"{}\")\n"
                      "bert_base = BertTokenizer.from_pretrained(\"bert-base-uncased\")\n"
                      "sentence = \"{}\"\n"
                      "print(tokenizer.tokenize(sentence))\n"
                      "print(bert_base.tokenize(sentence))",
                      tokenizer_dir.string(), sentence));
  // bert-base-uncased's vocab.txt is in the repository: the comparison needs no download.
  const tokenizer::BertTokenizer bert_base = tokenizer::BertTokenizer::from_pretrained(
      BERTLAB_SOURCE_DIR "/tests/fixtures/vocab/bert-base-uncased");
  std::cout << python_repr(ours.tokenize(sentence)) << "\n" << python_repr(bert_base.tokenize(sentence)) << "\n";
}

// The evaluations of history.jsonl, each with the mean training loss of the steps before it.
void print_eval_table(const fs::path& history) {
  std::map<std::string, std::vector<std::pair<double, double>>> curves;
  for (viz::Curve& curve : viz::read_history(history)) curves[curve.key] = std::move(curve.points);
  const auto& loss = curves["loss"];
  const auto& eval_loss = curves["eval_loss"];
  const auto& eval_accuracy = curves["eval_accuracy"];
  size_t next = 0;
  for (size_t e = 0; e < eval_loss.size(); ++e) {
    double sum = 0;
    size_t n = 0;
    for (; next < loss.size() && loss[next].first <= eval_loss[e].first; ++next, ++n) sum += loss[next].second;
    std::cout << fmt::format("step {:>5} | loss {:.4f} | eval_loss {:.4f} | eval_accuracy {:.4f}\n",
                             static_cast<int64_t>(eval_loss[e].first), n > 0 ? sum / static_cast<double>(n) : 0.0,
                             eval_loss[e].second, eval_accuracy.at(e).second);
  }
}

}  // namespace

void lab06_pretrain(const Lab06Options& o) {
  const fs::path corpus = o.corpus.empty() ? default_corpus() : fs::path(o.corpus);
  const std::vector<std::string> texts = read_books(corpus);

  const fs::path tokenizer_dir = train_vocabulary(texts, o);
  const tokenizer::BertTokenizer tokenizer = tokenizer::BertTokenizer::from_pretrained(tokenizer_dir.string());
  compare_tokenizers(tokenizer, tokenizer_dir);

  cell(4, fmt::format("from collections import Counter\n"
                      "n = round(len(texts) * {} / 100)  # run_mlm.py: the first {}% held out\n"
                      "train_blocks = group_texts(tokenizer(texts[n:])[\"input_ids\"], block_size={})  # run_mlm.py's\n"
                      "eval_blocks = group_texts(tokenizer(texts[:n])[\"input_ids\"], block_size={})\n"
                      "counts = Counter(t for b in train_blocks for t in b if t not in tokenizer.all_special_ids)\n"
                      "p = torch.tensor(list(counts.values())) / sum(counts.values())\n"
                      "top, _ = counts.most_common(1)[0]  # always guess it\n"
                      "eval_tokens = [t for b in eval_blocks for t in b if t not in tokenizer.all_special_ids]\n"
                      "print(len(train_blocks), len(eval_blocks), sum(map(len, train_blocks)), \"training tokens\")\n"
                      "print(f\"unigram baseline | loss {{-(p * p.log()).sum():.4f}} | accuracy \"\n"
                      "      f\"{{eval_tokens.count(top) / len(eval_tokens):.4f}} (always {{tokenizer.convert_ids_to_tokens(top)!r}})\")",
                      o.validation_split_percentage, o.validation_split_percentage, o.max_length, o.max_length));
  const finetune::TextSplits splits = finetune::split_validation(texts, o.validation_split_percentage);
  const finetune::MlmVocabulary vocab = finetune::MlmVocabulary::of(tokenizer);
  const finetune::MlmData train{finetune::mlm_examples(splits.train, tokenizer, o.max_length, false), vocab, {}, o.seed};
  const finetune::MlmData eval{finetune::mlm_examples(splits.validation, tokenizer, o.max_length, false), vocab, {}, o.seed};
  BERT_CHECK(!train.examples.empty() && !eval.examples.empty(),
             "{}: {} training and {} evaluation blocks of {} tokens. Hint: more text, or a shorter --max-length",
             corpus.string(), train.examples.size(), eval.examples.size(), o.max_length);
  // The unigram baseline: the best a model that ignores the context can do. Its loss is the
  // entropy of the token frequencies; its accuracy, always guessing the most frequent token.
  const std::vector<int64_t> train_counts = finetune::token_counts(train.examples, vocab).counts;
  const finetune::TokenCounts eval_counts = finetune::token_counts(eval.examples, vocab);
  const int64_t top = std::max_element(train_counts.begin(), train_counts.end()) - train_counts.begin();
  const double unigram_loss = finetune::unigram_entropy(train.examples, vocab);
  const double unigram_accuracy = static_cast<double>(eval_counts.counts[top]) / static_cast<double>(eval_counts.total);
  std::cout << fmt::format("{} {} {} training tokens\n", train.examples.size(), eval.examples.size(),
                           train.examples.size() * static_cast<size_t>(o.max_length));
  const std::string baseline = fmt::format("unigram baseline | loss {:.4f} | accuracy {:.4f} (always '{}')",
                                           unigram_loss, unigram_accuracy, tokenizer.convert_ids_to_tokens(top));
  std::cout << baseline << "\n";

  cell(5, fmt::format("from transformers import BertConfig, BertForMaskedLM, set_seed\n"
                      "set_seed({})\n"
                      "config = BertConfig(vocab_size=len(tokenizer), hidden_size={}, num_hidden_layers={},\n"
                      "                    num_attention_heads={}, intermediate_size={})\n"
                      "model = BertForMaskedLM(config)  # random weights, as _init_weights draws them\n"
                      "print(model.num_parameters())",
                      o.seed, o.hidden_size, o.num_hidden_layers, o.num_attention_heads, 4 * o.hidden_size));
  bert::BertConfig config;
  config.architectures = {"BertForMaskedLM"};
  config.vocab_size = static_cast<int64_t>(tokenizer.vocab().size());
  config.hidden_size = o.hidden_size;
  config.num_hidden_layers = o.num_hidden_layers;
  config.num_attention_heads = o.num_attention_heads;
  config.intermediate_size = 4 * o.hidden_size;
  config.id2label.clear();
  bert::BertForMaskedLM model(config);
  Generator init(o.seed);
  bert::init_bert_weights(model, config.initializer_range, init);
  std::cout << model.num_parameters() << "\n";

  cell(6, fmt::format("from transformers import Trainer, TrainingArguments, DataCollatorForLanguageModeling\n"
                      "args = TrainingArguments(output_dir=\"{}\", max_steps={}, per_device_train_batch_size={},\n"
                      "                         learning_rate={:g}, warmup_ratio={:g}, weight_decay=0.01,\n"
                      "                         eval_strategy=\"steps\", eval_steps={}, logging_steps=1, seed={})\n"
                      "collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)  # masks afresh\n"
                      "trainer = Trainer(model=model, args=args, data_collator=collator, train_dataset=train_blocks,\n"
                      "                  eval_dataset=eval_blocks, compute_metrics=masked_token_accuracy)\n"
                      "trainer.train()",
                      o.output_dir, o.steps, o.batch_size, o.learning_rate, o.warmup_ratio, o.eval_every, o.seed));
  const finetune::TrainingArguments args{.output_dir = o.output_dir,
                                        .max_steps = o.steps,
                                        .per_device_train_batch_size = o.batch_size,
                                        .learning_rate = o.learning_rate,
                                        .warmup_ratio = o.warmup_ratio,  // weight_decay 0.01: the default
                                        .eval_steps = o.eval_every,
                                        .seed = o.seed,
                                        .overwrite_output_dir = true};  // each run of the lab replaces the last one
  // The loss function asks the Trainer (by then constructed) which epoch each block is in: new masks every epoch.
  finetune::Trainer trainer(
      model, args, static_cast<int64_t>(train.examples.size()),
      [&](const std::vector<int64_t>& rows) {
        return finetune::pretraining_step(model, train, rows, trainer.micro_batch_epochs());
      },
      [&] { return finetune::evaluate_mlm(model, eval); });
  trainer.train();  // the progress bar and each evaluation are on stderr

  cell(7, "history = trainer.state.log_history\n"
          "last = 0\n"
          "for e in [h for h in history if \"eval_loss\" in h]:  # the mean training loss since the last evaluation\n"
          "    losses = [h[\"loss\"] for h in history if \"loss\" in h and last < h[\"step\"] <= e[\"step\"]]\n"
          "    print(f\"step {e['step']:>5} | loss {sum(losses) / len(losses):.4f} | eval_loss {e['eval_loss']:.4f} | \"\n"
          "          f\"eval_accuracy {e['eval_accuracy']:.4f}\")\n"
          "    last = e[\"step\"]");
  print_eval_table(fs::path(o.output_dir) / "history.jsonl");
  std::cout << baseline << "\n";

  // The Trainer's folder becomes the model folder, as run_mlm.py's: history.jsonl and the
  // last checkpoint stay beside config.json, model.safetensors and vocab.txt.
  const fs::path model_dir = o.output_dir;
  cell(8, fmt::format("trainer.save_model()  # config.json, model.safetensors in args.output_dir\n"
                      "tokenizer.save_pretrained(args.output_dir)  # vocab.txt\n"
                      "for f in [\"config.json\", \"model.safetensors\", \"vocab.txt\"]:\n"
                      "    print(f, os.path.getsize(os.path.join(\"{}\", f)))",
                      model_dir.string()));
  cli::save_finetuned(model, config, tokenizer_dir, model_dir, std::nullopt);  // and history.svg from history.jsonl
  for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
    std::cout << fmt::format("{} {}\n", file, fs::file_size(model_dir / file));

  cell(9, fmt::format("from transformers import pipeline\n"
                      "fill_mask = pipeline(\"fill-mask\", model=\"{}\")  # the folder just saved\n"
                      "for i, sent in enumerate(masked_sents):  # the notebook's In [15] and In [19]\n"
                      "    print(f\"{{i+1}}. {{sent}}\")\n"
                      "    for p in fill_mask(sent, top_k=5):\n"
                      "        print(f\"[MASK] -> \\t{{p['token_str']}} : {{p['score']:.6f}}\")\n"
                      "    print(\"-\"*40)\n"
                      "    print()",
                      model_dir.string()));
  LabOptions saved;
  saved.model = model_dir.string();
  const std::unique_ptr<bert::BertForMaskedLM> mlm_model = load_model<bert::BertForMaskedLM>(saved);
  const tokenizer::BertTokenizer saved_tokenizer = load_tokenizer(saved.model);
  for (size_t i = 0; i < kMaskedSents.size(); ++i) {
    std::cout << fmt::format("{}. {}\n", i + 1, kMaskedSents[i]);
    const auto predictions = pipelines::fill_mask(*mlm_model, saved_tokenizer, kMaskedSents[i], 5);  // one [MASK]
    for (const pipelines::FillMaskPrediction& p : predictions.at(0))
      std::cout << fmt::format("[MASK] -> \t{} : {:.6f}\n", p.token_str, p.score);
    std::cout << std::string(40, '-') << "\n\n";
  }
}

}  // namespace bertlab::lab

int main(int argc, char** argv) {
  bertlab::lab::Lab06Options o;
  CLI::App app("Lab 06: your own BERT: a WordPiece vocabulary and a BertForMaskedLM pretrained on books, cell by cell");
  app.add_option("corpus", o.corpus, "folder of Project Gutenberg .txt books (default: $BERTLAB_GUTENBERG_DIR, "
                 "else ../shared/datasets/gutenberg-children beside the repository)");
  app.add_option("--vocab-size", o.vocab_size, "WordPiece vocabulary size")->capture_default_str();
  app.add_option("--validation-split-percentage", o.validation_split_percentage,
                 "percent of the paragraphs (the first ones) held out for evaluation")->capture_default_str();
  app.add_option("--max-length", o.max_length, "tokens per training block")->capture_default_str();
  app.add_option("--hidden-size", o.hidden_size, "H (the FFN is 4H)")->capture_default_str();
  app.add_option("--num-hidden-layers", o.num_hidden_layers, "L")->capture_default_str();
  app.add_option("--num-attention-heads", o.num_attention_heads, "heads (H must be a multiple)")->capture_default_str();
  app.add_option("--steps", o.steps, "optimizer steps")->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "blocks per step")->capture_default_str();
  app.add_option("--lr", o.learning_rate, "peak learning rate")->capture_default_str();
  app.add_option("--warmup-ratio", o.warmup_ratio, "fraction of the steps spent warming up")->capture_default_str();
  app.add_option("--eval-every", o.eval_every, "evaluate every N steps (and at the end)")->capture_default_str();
  app.add_option("--seed", o.seed, "initial weights, data order, masks and dropout")->capture_default_str();
  app.add_option("--output", o.output_dir, "folder for the tokenizer, the model, history.jsonl/svg (replaced)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    bertlab::lab::lab06_pretrain(o);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
