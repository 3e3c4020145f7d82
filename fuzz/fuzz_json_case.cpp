// libFuzzer target for one line of `bertlab tokenize --jsonl` (tokenizer/json_calls.h): any bytes
// must give either a result or a TokenizerError, which the command writes as that line's
// {"id": ..., "error": ...} before it goes on to the next; never a crash, another exception or a
// sanitizer report.
//
//   cmake --build build-fuzz -j2 --target fuzz_json_case
//   mkdir -p /tmp/case-corpus && ./build-fuzz/fuzz/fuzz_json_case -write_seeds=/tmp/case-corpus
//   ./build-fuzz/fuzz/fuzz_json_case -runs=1000000 -dict=fuzz/json.dict /tmp/case-corpus
#include <cstdint>
#include <fstream>
#include <string>

#include "fuzz/tiny_tokenizer.h"   // defines: tiny_tokenizer
#include "fuzz/write_seeds.h"      // defines: write_seeds_if_asked
#include "tokenizer/error.h"       // defines: TokenizerError
#include "tokenizer/json_calls.h"  // defines: parse_json_case, run_json_case

using namespace bertlab::tokenizer;

namespace {

// Seeds: an encode of a pair, a padded batch, and a decode.
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/pair.json")
      << R"({"id": 1, "call": {"text": "a b!", "text_pair": "un", "truncation": "only_second", "max_length": 5}})";
  std::ofstream(dir + "/batch.json")
      << R"({"id": 2, "call": {"text": ["ab", "日 e"], "padding": "max_length", "max_length": 8, "add_special_tokens": false}})";
  std::ofstream(dir + "/decode.json") << R"({"id": 3, "decode": {"ids": [2, 5, 99, 3], "skip_special_tokens": true}})";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const nlohmann::json test_case = parse_json_case(std::string(reinterpret_cast<const char*>(data), size));
    run_json_case(tiny_tokenizer(), test_case).dump();  // dump: the command writes every result
  } catch (const TokenizerError&) {
  }
  return 0;
}
