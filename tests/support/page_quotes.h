// The output a lab page quotes, for tests that compare it with what the lab program prints.
//   for (const std::string& line : quoted_output_lines(".../docs/labs/en/04-training-step.md")) ...
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_bertlab.h"  // defines: read_file

namespace bertlab::testing {

// The non-empty lines of the page's fenced blocks without a language: its quoted output (python,
// cpp and sh blocks are code).
inline std::vector<std::string> quoted_output_lines(const std::filesystem::path& page) {
  std::vector<std::string> quoted;
  std::istringstream lines(read_file(page));
  bool in_block = false, output = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) {
      output = !in_block && line == "```";
      in_block = !in_block;
    } else if (in_block && output && !line.empty()) {
      quoted.push_back(line);
    }
  }
  return quoted;
}

}  // namespace bertlab::testing
