// `bertlab gradcheck OP`: every op of --list passes on its example, an unknown op is one error
// line, and each page docs/derivations/<op>.md ends with the command and output of the same form.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_bertlab.h"  // defines: run_bertlab, read_file

using bertlab::testing::run_bertlab;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The shape of each line gradcheck prints (no numbers compared: they vary with the machine's SIMD width).
const std::regex kHeader(R"(gradcheck \w+ \(seed \d+\): L = .*)");
const std::regex kSettings(R"(  h = [0-9.e-]+, pass when \|autograd - numeric\| <= .*)");
const std::regex kInput(R"(  (\w+) +\[[0-9, ]*\] +max abs diff \S+ +max rel diff \S+ +(PASS|FAIL))");
const std::regex kSummary(R"((PASS|FAIL): \d+ of \d+ inputs match autograd \(docs/derivations/\w+\.md\))");

// The names of the checked inputs, in order; fails on a line of no known shape.
std::vector<std::string> checked_inputs(const std::vector<std::string>& lines) {
  REQUIRE(lines.size() >= 4);
  CHECK(std::regex_match(lines.front(), kHeader));
  CHECK(std::regex_match(lines.back(), kSummary));
  std::vector<std::string> names;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    std::smatch m;
    INFO("line: " << lines[i]);
    if (std::regex_match(lines[i], m, kInput)) {
      names.push_back(m[1]);
    } else {  // a formula line, then its settings line
      CHECK(lines[i].rfind("  ", 0) != 0);
      REQUIRE(i + 1 < lines.size());
      CHECK(std::regex_match(lines[++i], kSettings));
    }
  }
  return names;
}

const std::vector<std::string> kOps = {"linear",  "embedding", "softmax",       "attention", "layernorm",
                                       "gelu",    "dropout",   "cross_entropy", "lora"};

}  // namespace

TEST_CASE("bertlab gradcheck: --list names every op, and each op passes with one line per input", "[cli][gradcheck]") {
  const auto list = run_bertlab("gradcheck --list");
  REQUIRE(list.exit_code == 0);
  const std::vector<std::string> listed = lines_of(list.out);
  REQUIRE(listed.size() == kOps.size());
  for (size_t i = 0; i < kOps.size(); ++i) CHECK(listed[i].rfind(kOps[i] + " ", 0) == 0);

  for (const std::string& op : kOps) {
    for (const char* seed : {"", " --seed 7"}) {
      const auto run = run_bertlab("gradcheck " + op + seed);
      INFO(op << seed << "\n" << run.out << run.err);
      CHECK(run.exit_code == 0);
      CHECK(run.err.empty());
      const std::vector<std::string> lines = lines_of(run.out);
      CHECK_FALSE(checked_inputs(lines).empty());
      CHECK(lines.back().rfind("PASS: ", 0) == 0);
      CHECK(run.out.find("FAIL") == std::string::npos);
    }
  }
}

TEST_CASE("bertlab gradcheck: an unknown op or no op is a one-line error", "[cli][gradcheck]") {
  for (const char* args : {"gradcheck softmaxx", "gradcheck"}) {
    const auto run = run_bertlab(args);
    INFO(args << "\n" << run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.out.empty());
    CHECK(run.err.rfind("error: gradcheck: ", 0) == 0);
    CHECK(run.err.find('\n') == run.err.size() - 1);
    CHECK(run.err.find("bertlab gradcheck --list") != std::string::npos);
  }
}

TEST_CASE("docs/derivations: each page ends with its gradcheck command and output of the same form",
          "[cli][gradcheck][docs]") {
  namespace fs = std::filesystem;
  for (const std::string& op : kOps) {
    for (const char* folder : {"docs/derivations", "docs/ko/derivations"}) {
      const fs::path page = fs::path(BERTLAB_SOURCE_DIR) / folder / (op + ".md");
      INFO(page.string());
      REQUIRE(fs::exists(page));
      const std::string text = bertlab::testing::read_file(page);
      // ```sh, the command, ```, then ``` the output ``` closes the page
      const std::string command = "bertlab gradcheck " + op;
      const size_t at = text.rfind(command);
      REQUIRE(at != std::string::npos);
      const size_t open = text.find("```\n", text.find("```", at) + 3);
      REQUIRE(open != std::string::npos);
      const size_t close = text.find("\n```", open + 3);
      REQUIRE(close != std::string::npos);
      CHECK(text.find_first_not_of(" \n", close + 4) == std::string::npos);
      const std::vector<std::string> quoted = lines_of(text.substr(open + 4, close - open - 4));
      const auto run = run_bertlab("gradcheck " + op);
      CHECK(checked_inputs(quoted) == checked_inputs(lines_of(run.out)));
      CHECK(quoted.front() == lines_of(run.out).front());
    }
  }
}
