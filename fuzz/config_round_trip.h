// The check the config targets share (config.json, adapter_config.json): any text must give
// either a config or a bertlab::Error; and a config that was accepted, written by to_json_string
// and read back, must be accepted again and come out the same (save_pretrained, then
// from_pretrained). Anything else escapes or aborts, and the fuzzer reports the input.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "tensor/error.h"  // defines: Error

template <typename Config>
void check_config_round_trip(const uint8_t* data, size_t size, const std::string& source) {
  Config config;
  try {
    config = Config::from_json_string(std::string(reinterpret_cast<const char*>(data), size), source);
  } catch (const bertlab::Error&) {
    return;  // refused, with our error: fine
  }
  // Outside the try: here an Error is a finding too, a config we wrote and cannot read back.
  const std::string written = config.to_json_string();
  if (Config::from_json_string(written, "written " + source).to_json_string() != written) std::abort();
}
