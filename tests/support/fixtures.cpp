// fixtures_root(): which of fixture_roots() this run of the current test case reads.
//
// Catch2 runs a test case again while a generator in it has values left. The first fixture() of a
// run hits the generator below, which gives each root in turn; the listener forgets the root when
// a run starts (Catch reports each run as the test case's own section starting), so every
// fixture() of one run, e.g. tiny-bert-lora and its base tiny-bert, reads the same root. A failed
// assertion is followed by a line naming the root, since the same check runs once per root.
// The listener also prints report_skip's marker lines when the test case ends, if nothing failed.
// Kept out of unity builds (tests/CMakeLists.txt): a listener needs Catch's external interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include "tests/support/fixtures.h"

namespace bertlab::testing {

namespace {
std::optional<std::filesystem::path> run_root;  // reset when a run of a test case starts
bool several_roots = false;
std::vector<std::string> skip_reasons;  // report_skip's, printed when the test case ends

struct FixtureRootListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  int depth = 0;
  void sectionStarting(const Catch::SectionInfo& info) override {
    if (depth++ == 0) run_root.reset();
    TestEventListenerBase::sectionStarting(info);
  }
  void sectionEnded(const Catch::SectionStats& stats) override {
    --depth;
    TestEventListenerBase::sectionEnded(stats);
  }
  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    const std::size_t failed = stats.totals.assertions.failed;
    for (const std::string& reason : skip_reasons) {
      if (failed == 0)
        std::cout << "BERTLAB-SKIP: " << reason << std::endl;
      else
        std::cout << "(not reported as skipped, " << failed << " assertion(s) failed: " << reason << ")" << std::endl;
    }
    skip_reasons.clear();
    TestEventListenerBase::testCaseEnded(stats);
  }
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk() && run_root && several_roots)
      std::cout << "(this run reads the fixtures in " << run_root->string() << ")" << std::endl;
    return true;
  }
};
}  // namespace

CATCH_REGISTER_LISTENER(FixtureRootListener)

void report_skip(const std::string& reason) { skip_reasons.push_back(reason); }

const std::filesystem::path& fixtures_root() {
  if (!run_root) {
    const std::vector<std::filesystem::path> roots = fixture_roots();
    several_roots = roots.size() > 1;
    run_root = several_roots ? GENERATE_COPY(from_range(roots)) : roots.at(0);
  }
  return *run_root;
}

}  // namespace bertlab::testing
