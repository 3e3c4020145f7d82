// Where the golden fixtures are, and what a test does when they are missing.
//
// The fixture roots, in order (fixture_roots()):
//   $BERTLAB_FIXTURES when set: that folder alone (or several, separated by ':');
//   else <source>/tests/fixtures, the repository's own (made by tests/golden/make_fixtures.py),
//   and ../shared/fixtures beside the source tree when it exists, or always under CI (CI=true):
//   the reference CI keeps, which the repository's fixtures must agree with.
// A test case that calls fixture() runs once per root: the first fixture() of each run picks the
// root (a Catch2 generator, tests/support/fixtures.cpp) and later calls in that run get the same
// one. A missing fixture makes the test report itself skipped with the reason; under CI it fails
// the test instead, so CI can never pass by skipping.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace bertlab::testing {

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

inline std::vector<std::filesystem::path> fixture_roots() {
  std::vector<std::filesystem::path> roots;
  if (const char* env = std::getenv("BERTLAB_FIXTURES"); env && *env) {
    const std::string list = env;
    for (size_t start = 0, end; start <= list.size(); start = end + 1) {
      end = std::min(list.find(':', start), list.size());
      if (end > start) roots.emplace_back(list.substr(start, end - start));
    }
    if (!roots.empty()) return roots;
  }
  const std::filesystem::path source(BERTLAB_SOURCE_DIR);
  roots.push_back(source / "tests" / "fixtures");
  const std::filesystem::path shared = source / ".." / "shared" / "fixtures";
  if (running_in_ci() || std::filesystem::exists(shared)) roots.push_back(shared);
  return roots;
}

// The root of this run of the current test case (tests/support/fixtures.cpp).
const std::filesystem::path& fixtures_root();

// Reports the running test case skipped for `reason`: the line "BERTLAB-SKIP: <reason>" that CTest
// looks for is printed when the test case ends, and only if none of its assertions failed, so a
// failure before the skip (or in the test case's run for another fixture root) is never hidden
// behind it: the test fails instead (the listener in tests/support/fixtures.cpp).
void report_skip(const std::string& reason);

// A test's optional resource is missing: FAIL under CI, else report the skip (report_skip).
// Usage:  if (!exists) return skip_or_fail("no model.safetensors in ...");
inline std::nullopt_t skip_or_fail(const std::string& reason) {
  if (running_in_ci()) FAIL(reason);
  report_skip(reason);
  WARN("skipped: " << reason);
  return std::nullopt;
}

// The path of a fixture (file or folder, relative to the fixtures root), or nullopt after
// reporting the skip. Usage:  auto dir = fixture("models/tiny-bert"); if (!dir) return;
inline std::optional<std::filesystem::path> fixture(const std::string& relative) {
  const std::filesystem::path path = fixtures_root() / relative;
  if (std::filesystem::exists(path)) return path;
  return skip_or_fail("fixture not found: " + path.string() + " (set BERTLAB_FIXTURES to the fixtures folder)");
}

// A fixture model folder's vocabulary: vocab.txt's lines (id = line number), and config.json's
// vocab_size. The repository's tiny models have a small vocab; ../shared/fixtures' the full 30522.
inline std::vector<std::string> fixture_vocab(const std::filesystem::path& model_dir) {
  std::vector<std::string> tokens;
  std::ifstream file(model_dir / "vocab.txt");
  for (std::string line; std::getline(file, line);) tokens.push_back(line);
  return tokens;
}

inline int64_t fixture_vocab_size(const std::filesystem::path& model_dir) {
  std::ifstream file(model_dir / "config.json");
  return nlohmann::json::parse(file).at("vocab_size").get<int64_t>();
}

}  // namespace bertlab::testing
