// Lab 06 (examples/lab06_pretrain.cpp): every cell runs on examples/data/gutenberg-mini with a small
// vocabulary and model, in seconds; the books are cleaned as the page says; the lines
// docs/labs/*/06-pretrain.md quotes from the lab-sized run have the shape the program prints; and
// a missing books folder is a one-line error that says where to get the books.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/page_quotes.h"  // defines: quoted_output_lines
#include "tests/support/run_bertlab.h"  // defines: run_program, read_file, Run

namespace fs = std::filesystem;
using bertlab::testing::Run;
using Catch::Matchers::Contains;

namespace {

const fs::path kMiniBooks = fs::path(BERTLAB_SOURCE_DIR) / "examples" / "data" / "gutenberg-mini";

Run run_lab06(const std::string& args, const std::string& prefix = "") {
  return bertlab::testing::run_program(fs::path(BERTLAB_BINARY_DIR) / "examples" / "lab06_pretrain", args, prefix);
}

std::vector<std::string> lab06_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A line's shape: every number as '#' followed by its count of decimals, runs of spaces as one
// and none at the end ("step   500 | loss 5.1234  " -> "step #0 | loss #4"); tokens and words stay.
std::string lab06_shape(const std::string& line) {
  static const std::regex number(R"(\d+(\.(\d+))?)"), spaces(" +");
  std::string out;
  auto it = std::sregex_iterator(line.begin(), line.end(), number);
  size_t last = 0;
  for (; it != std::sregex_iterator(); ++it) {
    out += line.substr(last, it->position() - last) + "#" + std::to_string((*it)[2].length());
    last = it->position() + it->length();
  }
  out = std::regex_replace(out + line.substr(last), spaces, " ");
  return out.substr(0, out.find_last_not_of(' ') + 1);
}

// Lines whose words depend on the vocabulary and the model: a Python list of tokens, and a
// fill-mask answer. The page's may show other words than the small run, in the same shape.
const std::vector<std::regex>& lab06_word_lines() {
  static const std::vector<std::regex> shapes = {
      std::regex(R"(^(\d+ )?\[('[^']*'|"[^"]*")(, ('[^']*'|"[^"]*"))*\]$)"),
      std::regex(R"(^\[MASK\] -> \t\S+ : \d\.\d{6}$)"),
      std::regex(R"(^unigram baseline \| loss \d+\.\d{4} \| accuracy \d\.\d{4} \(always '[^']+'\)$)")};
  return shapes;
}

}  // namespace

TEST_CASE("lab06_pretrain: every cell runs on the mini books, cleaned of Project Gutenberg's header and license", "[lab06][lab][cli]") {
  // The mini books as Project Gutenberg ships them: Windows line ends, a BOM, the header and the
  // license around the story, and the license file beside them (no digit in its name: not a book).
  const fs::path work = fs::temp_directory_path() / fmt::format("bertlab_lab06_{}", getpid());
  // The output is the pages' runs/lab06, under `work`: In [8] prints the folder.
  const fs::path books = work / "books", output = work / "runs" / "lab06";
  fs::create_directories(books);
  for (const char* name : {"11.txt", "14838.txt"}) {
    std::string story = bertlab::testing::read_file(kMiniBooks / name), crlf;
    for (char c : story) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    std::ofstream(books / name, std::ios::binary)
        << "\xEF\xBB\xBFThe Project Gutenberg EBook of a test, by a tester\r\n\r\nThis eBook is for the use of anyone\r\n"
        << "*** START OF THIS PROJECT GUTENBERG EBOOK A TEST ***\r\n\r\n" << crlf
        << "\r\nEnd of Project Gutenberg's a test\r\n\r\n*** END OF THIS PROJECT GUTENBERG EBOOK A TEST ***\r\n"
        << "Updated editions will replace the previous one\r\n";
  }
  std::ofstream(books / "PROJECT-GUTENBERG-LICENSE.txt") << "THE FULL PROJECT GUTENBERG LICENSE\nSection 1.\n";

  const Run run = run_lab06(fmt::format(
      "\"{}\" --vocab-size 400 --max-length 32 --hidden-size 32 --num-hidden-layers 2 --num-attention-heads 2 "
      "--steps 6 --batch-size 4 --eval-every 3 --output runs/lab06",
      books.string()), fmt::format("cd \"{}\" &&", work.string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (int n = 1; n <= 9; ++n) CHECK_THAT(run.out, Contains(fmt::format("In [{}]: ", n)));

  // In [1]: what the cell's Python prints on examples/data/gutenberg-mini itself (python3 3.11):
  // the header, license and line ends are gone, and only the two books are read.
  CHECK_THAT(run.out, Contains("\n2 books, 93 paragraphs, 3160 words\nAlice was beginning to get very tired of sitting "
                               "by her sister on the bank, and of having nothing to do: once or twice she had peeped "
                               "into the book he\n"));

  // In [2]: vocab.txt, special tokens first, as many lines as asked for.
  const std::vector<std::string> vocab = lab06_lines(bertlab::testing::read_file(output / "tokenizer" / "vocab.txt"));
  REQUIRE(vocab.size() == 400);
  CHECK(std::vector<std::string>(vocab.begin(), vocab.begin() + 5) ==
        std::vector<std::string>{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"});
  CHECK_THAT(run.out, Contains("\n400 ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']\n"));
  // In [3]: bert-base-uncased's split (transformers' BertTokenizer on the same vocab.txt).
  CHECK_THAT(run.out, Contains("\n['the', 'scent', 'of', 'freshly', 'baked', 'cookies', 'filled', 'the', 'kitchen']\n"));

  // In [7]: one row per evaluation, finite and below ln(400) + 1 (a random model's loss is near ln V).
  static const std::regex row(R"(step +(\d+) \| loss ([0-9.]+) \| eval_loss ([0-9.]+) \| eval_accuracy ([0-9.]+)\n)");
  std::vector<int> steps;
  for (auto it = std::sregex_iterator(run.out.begin(), run.out.end(), row); it != std::sregex_iterator(); ++it) {
    steps.push_back(std::stoi((*it)[1]));
    const double eval_loss = std::stod((*it)[3]), accuracy = std::stod((*it)[4]);
    CHECK(std::isfinite(eval_loss));
    CHECK(eval_loss > 0);
    CHECK(eval_loss < std::log(400.0) + 1);
    CHECK((accuracy >= 0 && accuracy <= 1));
  }
  CHECK(steps == std::vector<int>{3, 6});
  CHECK_THAT(run.err, Contains("step 6/6 | loss "));

  // In [8]: the model folder, loadable (In [9] loads it), and the loss curve.
  CHECK_THAT(run.out, Contains("\nsaved the model to runs/lab06\nconfig.json "));
  for (const char* file : {"config.json", "model.safetensors", "vocab.txt", "history.svg"})
    CHECK(fs::exists(output / file));
  // In [9]: the notebook's five sentences, five answers each.
  static const std::regex answer(R"(\n\[MASK\] -> \t\S+ : \d\.\d{6})");
  CHECK(std::distance(std::sregex_iterator(run.out.begin(), run.out.end(), answer), std::sregex_iterator()) == 25);
  CHECK_THAT(run.out, Contains("\n5. The scent of freshly baked [MASK] filled the kitchen\n[MASK] -> \t"));

  {
    INFO("the pages quote lines in the shapes the program prints (stdout, and the progress bar on stderr)");
    std::string both = run.out + "\n" + run.err;
    std::replace(both.begin(), both.end(), '\r', '\n');
    std::vector<std::string> printed;
    for (const std::string& line : lab06_lines(both)) printed.push_back(lab06_shape(line));
    for (const char* lang : {"en", "ko"}) {
      const fs::path page = fs::path(BERTLAB_SOURCE_DIR) / "docs" / "labs" / lang / "06-pretrain.md";
      const std::vector<std::string> quoted = bertlab::testing::quoted_output_lines(page);
      CAPTURE(page.string());
      CHECK(quoted.size() >= 30);  // In [1]..In [9]: the table's rows and 25 fill-mask answers among them
      for (const std::string& line : quoted) {
        CAPTURE(line);
        const bool same_shape = std::find(printed.begin(), printed.end(), lab06_shape(line)) != printed.end();
        const bool word_line = std::any_of(lab06_word_lines().begin(), lab06_word_lines().end(),
                                           [&](const std::regex& shape) { return std::regex_match(line, shape); });
        CHECK((same_shape || word_line));
      }
    }
  }
  fs::remove_all(work);
}

TEST_CASE("lab06_pretrain: a folder without books is a one-line error that says where to get them", "[lab06][cli]") {
  const fs::path missing = fs::temp_directory_path() / fmt::format("bertlab_lab06_no_books_{}", getpid());
  const Run run = run_lab06(fmt::format("\"{}\" --output \"{}\"", missing.string(), (missing / "run").string()));
  CHECK(run.exit_code == 1);
  CHECK(run.err.rfind(fmt::format("error: no books in {}: download the Project Gutenberg children's books 11, ",
                                  missing.string()), 0) == 0);
  CHECK_THAT(run.err, Contains("https://www.gutenberg.org/ebooks/<number>"));
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  CHECK(!fs::exists(missing / "run"));
}
