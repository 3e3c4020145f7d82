// libFuzzer target for config.json (bert::BertConfig::from_json_string): any bytes must give
// either a config that survives a round trip, or a bertlab::Error (config_round_trip.h).
//
//   cmake --build build-fuzz -j2 --target fuzz_bert_config
//   mkdir -p /tmp/config-corpus && ./build-fuzz/fuzz/fuzz_bert_config -write_seeds=/tmp/config-corpus
//   ./build-fuzz/fuzz/fuzz_bert_config -runs=1000000 -dict=fuzz/json.dict /tmp/config-corpus
#include <cstdint>
#include <fstream>
#include <string>

#include "bert/config.h"              // defines: BertConfig
#include "fuzz/config_round_trip.h"   // defines: check_config_round_trip
#include "fuzz/write_seeds.h"         // defines: write_seeds_if_asked

namespace {

// Seeds: bert-base's config as we write it, and a tiny classifier with labels.
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/bert-base.json") << bertlab::bert::BertConfig{}.to_json_string();
  std::ofstream(dir + "/tiny-cls.json")
      << R"({"vocab_size": 30, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,)"
         R"( "intermediate_size": 16, "classifier_dropout": null, "id2label": {"0": "NEG", "1": "POS"}})";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_config_round_trip<bertlab::bert::BertConfig>(data, size, "config.json");
  return 0;
}
