// libFuzzer target for tokenizer_config.json (tokenizer::TokenizerConfig::from_json_string): any
// bytes must give either settings or a TokenizerError. A tokenizer built with the settings
// must then encode with truncation on, which reads model_max_length, and with it as max_length.
//
//   cmake --build build-fuzz -j2 --target fuzz_tokenizer_config
//   mkdir -p /tmp/tc-corpus && ./build-fuzz/fuzz/fuzz_tokenizer_config -write_seeds=/tmp/tc-corpus
//   ./build-fuzz/fuzz/fuzz_tokenizer_config -runs=1000000 -dict=fuzz/json.dict /tmp/tc-corpus
#include <cstdint>
#include <fstream>
#include <string>

#include "fuzz/tiny_tokenizer.h"  // defines: tiny_vocab
#include "fuzz/write_seeds.h"     // defines: write_seeds_if_asked
#include "tokenizer/error.h"      // defines: TokenizerError

using namespace bertlab::tokenizer;

namespace {

// Seeds: bert-base-uncased's file, and a cased one with HF's 1e30 for "no limit".
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/uncased.json") << R"({"do_lower_case": true, "model_max_length": 512})";
  std::ofstream(dir + "/cased.json")
      << R"({"do_lower_case": false, "model_max_length": 1000000000000000019884624838656, "tokenizer_class": "BertTokenizer"})";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const TokenizerConfig config =
        TokenizerConfig::from_json_string(std::string(reinterpret_cast<const char*>(data), size), "fuzz-input");
    const BertTokenizer tokenizer(tiny_vocab(), config);
    tokenizer("a b. Ab e!", {.truncation = true});
    tokenizer("a b", "un", {.truncation = Truncation::longest_first, .max_length = config.model_max_length});
  } catch (const TokenizerError&) {
  }
  return 0;
}
