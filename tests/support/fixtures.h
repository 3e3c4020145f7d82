// Where the golden fixtures are, and what a test does when they are missing.
//
// Fixtures live outside the repository (they hold third-party data such as vocab.txt):
// $BERTLAB_FIXTURES, else ../shared/fixtures beside the source tree. A user's clone has none,
// so those tests report themselves skipped with the reason; under CI (CI=true) a missing
// fixture fails the test instead, so CI can never pass by skipping.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace bertlab::testing {

inline std::filesystem::path fixtures_root() {
  if (const char* env = std::getenv("BERTLAB_FIXTURES"); env && *env) return env;
  return std::filesystem::path(BERTLAB_SOURCE_DIR) / ".." / "shared" / "fixtures";
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// A test's optional resource is missing: FAIL under CI, else print the skip line CTest looks for.
// Usage:  if (!exists) return skip_or_fail("no model.safetensors in ...");
inline std::nullopt_t skip_or_fail(const std::string& reason) {
  if (running_in_ci()) FAIL(reason);
  std::cout << "BERTLAB-SKIP: " << reason << std::endl;
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

}  // namespace bertlab::testing
