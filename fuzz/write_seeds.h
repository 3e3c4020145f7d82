// -write_seeds=<folder>, an option of ours (libFuzzer ignores options it does not know): a
// target writes a few valid inputs there to start from, and exits. Call from
// LLVMFuzzerInitialize, which sees the command line before the fuzzing starts.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>

inline void write_seeds_if_asked(int argc, char** argv, void (*write_seeds)(const std::string& folder)) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-write_seeds=", 0) == 0) {
      write_seeds(arg.substr(std::strlen("-write_seeds=")));
      std::exit(0);
    }
  }
}
