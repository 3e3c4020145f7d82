// libFuzzer target for SQuAD files (finetune::read_squad), and for the two steps that take what
// it read: check_squad_answers and prepare_qa_features. Any bytes must give either windows or a
// bertlab::Error (a TokenizerError from inside the tokenizer counts too); never a crash, another
// exception or a sanitizer report. An answer_start that lies about its text is allowed: such
// answers train [CLS], as in run_qa.py.
//
//   cmake --build build-fuzz -j2 --target fuzz_squad
//   mkdir -p /tmp/squad-corpus && ./build-fuzz/fuzz/fuzz_squad -write_seeds=/tmp/squad-corpus
//   ./build-fuzz/fuzz/fuzz_squad -runs=1000000 -dict=fuzz/json.dict /tmp/squad-corpus
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "finetune/squad.h"       // defines: read_squad, check_squad_answers, prepare_qa_features
#include "fuzz/temp_file.h"       // defines: write_temp_file
#include "fuzz/tiny_tokenizer.h"  // defines: tiny_tokenizer
#include "fuzz/write_seeds.h"     // defines: write_seeds_if_asked
#include "tensor/error.h"         // defines: Error
#include "tokenizer/error.h"      // defines: TokenizerError

using namespace bertlab;

namespace {

// Seed: one article, a question whose answer is in the context, and one whose answer_start lies.
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/squad.json")
      << R"({"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "a b ab. un e 日 a!",)"
         R"( "qas": [{"id": "q1", "question": "a?", "answers": [{"text": "ab", "answer_start": 4}]},)"
         R"( {"id": "q2", "question": "b e", "answers": [{"text": "e", "answer_start": 99}]}]}]}]})";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = write_temp_file(std::string_view(reinterpret_cast<const char*>(data), size), ".json");
  try {
    const std::vector<finetune::SquadExample> examples = finetune::read_squad(path);
    finetune::check_squad_answers(examples);
    finetune::prepare_qa_features(tiny_tokenizer(), examples, /*max_length=*/24, /*doc_stride=*/8);
  } catch (const Error&) {
  } catch (const tokenizer::TokenizerError&) {
  }
  return 0;
}
