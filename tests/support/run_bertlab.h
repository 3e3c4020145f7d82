// Runs the `bertlab` command line, or another program of examples/, from a test and captures
// what it prints, for the CLI and lab tests.
//   const Run run = run_bertlab("fill-mask \"the [MASK] sat.\" --model DIR");
//   CHECK(run.exit_code == 0);  CHECK_THAT(run.out, Contains("[MASK] #1"));
#pragma once

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bertlab::testing {

struct Run {
  int exit_code;  // -1 when bertlab did not exit normally (a crash)
  std::string out, err;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Run `<prefix> <program> args` through the shell, capturing stdout and stderr. `program` is a
// file name in the build's examples/ ("bertlab", "lab05_lora_qa"). `prefix` may set environment
// variables ("HF_HUB_OFFLINE=1") or wrap the program ("unshare -rm ...").
inline Run run_example(const std::string& program, const std::string& args, const std::string& prefix = "") {
  namespace fs = std::filesystem;
  const fs::path cli = fs::path(BERTLAB_BINARY_DIR) / "examples" / program;
  REQUIRE(fs::exists(cli));
  // Files of this process's own: CTest runs tests side by side, each in its own process.
  const std::string stem = fmt::format("bertlab_cli_test_{}", getpid());
  const fs::path out = fs::temp_directory_path() / (stem + ".out");
  const fs::path err = fs::temp_directory_path() / (stem + ".err");
  const std::string command =
      fmt::format(R"({} "{}" {} > "{}" 2> "{}")", prefix, cli.string(), args, out.string(), err.string());
  const int status = std::system(command.c_str());
  Run run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
  fs::remove(out);
  fs::remove(err);
  return run;
}

inline Run run_bertlab(const std::string& args, const std::string& prefix = "") {
  return run_example("bertlab", args, prefix);
}

}  // namespace bertlab::testing
