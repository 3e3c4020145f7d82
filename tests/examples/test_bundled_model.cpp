// bertlab's own model, models/bertlab-mini (hub/bundled.h): found by name from the build tree and
// from an install (`cmake --install`), and loadable by transformers with the same numbers.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/support/run_bertlab.h"  // defines: run_bertlab, run_program, Run
#include "tests/support/fixtures.h"     // defines: skip_or_fail, report_skip
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using bertlab::testing::Run;

TEST_CASE("bertlab-mini: --model bertlab-mini works from the build tree, in any folder", "[cli][bundled]") {
  bertlab::testing::ScratchDir elsewhere("bundled_cwd");
  const Run run = bertlab::testing::run_bertlab("fill-mask \"the little [MASK] ran into the woods.\" --model bertlab-mini",
                                                fmt::format("cd \"{}\" && HF_HUB_OFFLINE=1", elsewhere.path.string()));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("[MASK] #1"));
}

TEST_CASE("bertlab-mini: an installed bertlab finds it under <prefix>/share/bertlab/models", "[cli][bundled]") {
  bertlab::testing::ScratchDir prefix("bundled_install");
  const Run install = bertlab::testing::run_program(
      BERTLAB_CMAKE, fmt::format("--install \"{}\" --prefix \"{}\"", BERTLAB_BINARY_DIR, prefix.path.string()));
  INFO(install.out << install.err);
  REQUIRE(install.exit_code == 0);
  const fs::path program = prefix.path / "bin" / "bertlab";
  const fs::path model = prefix.path / "share" / "bertlab" / "models" / "bertlab-mini";
  REQUIRE(fs::exists(model / "model.safetensors"));
  const Run run = bertlab::testing::run_program(program, "tokenize \"This is a test sentence\" --model bertlab-mini",
                                                "HF_HUB_OFFLINE=1");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("2023"));  // "this" in bert-base-uncased's vocabulary
  // The installed copy, not the source tree's, is the one read: break it and the error names it.
  fs::remove(model / "vocab.txt");
  const Run broken = bertlab::testing::run_program(program, "tokenize \"hello\" --model bertlab-mini", "HF_HUB_OFFLINE=1");
  CHECK(broken.exit_code != 0);
  CHECK_THAT(broken.err, Contains((model / "vocab.txt").string()));
}

TEST_CASE("bertlab-mini: transformers loads it with the same logits and fill-mask scores", "[cli][bundled][golden]") {
  const char* python = std::getenv("BERTLAB_PYTHON");
  if (python == nullptr || *python == '\0') {
    bertlab::testing::skip_or_fail("BERTLAB_PYTHON is not set: the transformers check of bertlab-mini did not run "
                                   "(BERTLAB_PYTHON=$(scripts/golden-venv) runs it)");
    return;
  }
  bertlab::testing::ScratchDir dir("bundled_roundtrip");
  const Run check = bertlab::testing::run_program(
      python, fmt::format(R"("{}" --model "{}" --bertlab "{}" --dir "{}")",
                          (fs::path(BERTLAB_SOURCE_DIR) / "tests" / "golden" / "check_pretrain_roundtrip.py").string(),
                          (fs::path(BERTLAB_SOURCE_DIR) / "models" / "bertlab-mini").string(),
                          (fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab").string(), dir.path.string()));
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  if (check.out.find("BERTLAB-SKIP:") != std::string::npos) bertlab::testing::report_skip(check.out);
}
