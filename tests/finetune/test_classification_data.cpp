// Classification files with errors in them: each is reported at its file and line, when it is
// read, instead of surfacing (or not) steps later in the tokenizer or as an extra class.
#include <catch2/catch.hpp>

#include "finetune/classification_data.h"  // defines: read_classification_file
#include "tests/tokenizer/tiny_vocab.h"    // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;

TEST_CASE("read_classification_file: invalid UTF-8 names the file and the line", "[finetune][data]") {
  testing::ScratchDir dir("cls_data_utf8");
  const auto path = dir.write("train.tsv", "sentence\tlabel\nfine\t0\ncaf\xe9 latin-1\t1\n");
  CHECK_THROWS_WITH(finetune::read_classification_file(path, {}),
                    Contains(path.string() + " line 3") && Contains("invalid UTF-8"));
}

TEST_CASE("read_classification_file: a label seen once in 1000 rows of a two-label file is a warning",
          "[finetune][data]") {
  testing::ScratchDir dir("cls_data_rare_label");
  std::string tsv = "sentence\tlabel\n";
  for (int i = 0; i < 1000; ++i) tsv += i == 516 ? "a typo\t1 \n" : (i % 2 ? "yes\t1\n" : "no\t0\n");
  const auto path = dir.write("train.tsv", tsv);
  const auto data = finetune::read_classification_file(path, {});
  CHECK(data.label_names == std::vector<std::string>{"0", "1", "1 "});  // read as the file says
  REQUIRE(data.warnings.size() == 1);
  CHECK_THAT(data.warnings[0], Contains(path.string() + " line 518") && Contains("\"1 \" occurs once in 1000 rows"));
  // Given the training set's labels, an evaluation file is checked against them instead.
  CHECK(finetune::read_classification_file(path, {}, {"0", "1", "1 "}).warnings.empty());
}

TEST_CASE("read_classification_file: integer labels sort by value, however many digits", "[finetune][data]") {
  // A 20-digit label threw std::out_of_range from stoll: found by fuzz/fuzz_classification_data.cpp.
  testing::ScratchDir dir("cls_data_long_labels");
  const auto path = dir.write("train.tsv", "sentence\tlabel\na\t10\nb\t99999999999999999999\nc\t2\nd\t02\n");
  CHECK(finetune::read_classification_file(path, {}).label_names ==
        std::vector<std::string>{"02", "2", "10", "99999999999999999999"});
}
