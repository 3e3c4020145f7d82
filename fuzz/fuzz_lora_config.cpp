// libFuzzer target for adapter_config.json (peft::LoraConfig::from_json_string): any bytes must
// give either a config that survives a round trip, or a bertlab::Error (config_round_trip.h).
//
//   cmake --build build-fuzz -j2 --target fuzz_lora_config
//   mkdir -p /tmp/lora-corpus && ./build-fuzz/fuzz/fuzz_lora_config -write_seeds=/tmp/lora-corpus
//   ./build-fuzz/fuzz/fuzz_lora_config -runs=1000000 -dict=fuzz/json.dict /tmp/lora-corpus
#include <cstdint>
#include <fstream>
#include <string>

#include "fuzz/config_round_trip.h"  // defines: check_config_round_trip
#include "fuzz/write_seeds.h"        // defines: write_seeds_if_asked
#include "peft/lora_config.h"        // defines: LoraConfig

namespace {

// Seeds: what we write for a classifier's adapter, and a PEFT-style file with its nulls.
void write_seeds(const std::string& dir) {
  bertlab::peft::LoraConfig config;
  config.r = 4;
  config.lora_alpha = 16;
  config.target_modules = {"query", "value"};
  config.modules_to_save = {"classifier"};
  config.task_type = "SEQ_CLS";
  std::ofstream(dir + "/ours.json") << config.to_json_string();
  std::ofstream(dir + "/peft.json")
      << R"({"peft_type": "LORA", "r": 8, "lora_alpha": 0.5, "lora_dropout": 0.1, "target_modules": ["query"],)"
         R"( "bias": "none", "use_dora": false, "rank_pattern": {}, "layers_to_transform": null, "task_type": null})";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_config_round_trip<bertlab::peft::LoraConfig>(data, size, "adapter_config.json");
  return 0;
}
