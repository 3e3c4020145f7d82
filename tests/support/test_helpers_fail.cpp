// The test helpers fail where a pass would prove nothing. A helper's failure cannot be asserted
// inside the test case that fails, so each hidden [.][helper-fails] case below runs in a child
// bert_tests (this same program) and must fail there, without the skip marker CTest would take
// for a skip.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <utility>

#include "tests/support/all_close.h"
#include "tests/support/fixtures.h"
#include "tests/support/gradcheck.h"
#include "tests/support/run_bertlab.h"  // defines: read_file

using namespace bertlab;
using namespace bertlab::testing;

TEST_CASE("helper fails: gradcheck with no input that requires grad", "[.][helper-fails]") {
  const Tensor w = randn_param({3}, 1);  // backward runs (w requires grad), but w is not an input
  gradcheck([&](const auto& in) { return mul(w, in[0]); }, {Tensor::ones({3})});
}

TEST_CASE("helper fails: a failed check before a skip", "[.][helper-fails]") {
  CHECK(1 + 1 == 3);
  skip_or_fail("the resource of this test is missing");
}

TEST_CASE("test helpers: each hidden [helper-fails] case fails in a child run, never as a skip", "[support]") {
  namespace fs = std::filesystem;
  const fs::path self = fs::read_symlink("/proc/self/exe");
  // each case, and what its failure must say
  for (auto [name, says] : {std::pair{"helper fails: gradcheck with no input that requires grad", "nothing was checked"},
                            {"helper fails: a failed check before a skip", "not reported as skipped"}}) {
    INFO(name);
    const fs::path out = fs::temp_directory_path() / fmt::format("bertlab_helper_fails_{}.out", getpid());
    // Not under CI, where skip_or_fail fails by itself: the marker is what must not come out.
    const std::string command = fmt::format(R"(env -u CI "{}" "{}" > "{}" 2>&1)", self.string(), name, out.string());
    const int status = std::system(command.c_str());
    const std::string output = read_file(out);
    fs::remove(out);
    INFO(output);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
    CHECK_THAT(output, Catch::Contains("test cases: 1 | 1 failed") && Catch::Contains(says) &&
                           !Catch::Contains("BERTLAB-SKIP"));
  }
}

TEST_CASE("AllClose: NaN matches nothing, not even NaN, unless with_equal_nan", "[support]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor nans = Tensor::from_vector({1.0f, nan}, {2}), number = Tensor::from_vector({1.0f, 2.0f}, {2});
  CHECK_FALSE(AllClose(number).match(nans));  // NaN got, number wanted
  CHECK_FALSE(AllClose(nans).match(number));  // number got, NaN wanted
  CHECK_FALSE(AllClose(nans).match(nans));    // NaN against NaN
  CHECK(AllClose(nans).with_equal_nan().match(nans));
  CHECK_FALSE(AllClose(number).with_equal_nan().match(nans));
  CHECK(AllClose(number).match(number));
}
