// The float32 GEMM kernel a whole run uses (BERTLAB_GEMM_KERNEL, docs/simd.md "Which
// micro-kernel"): a model's output is the same, byte for byte, whichever kernel this CPU runs,
// and a name it cannot run is a one-line note, not an error or a crash.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "tensor/kernels/gemm.h"        // defines: GemmKernel, cpu_has, to_string
#include "tests/support/run_bertlab.h"  // defines: run_bertlab, Run

using bertlab::kernels::GemmKernel;
using bertlab::testing::run_bertlab;
using Catch::Matchers::Contains;

namespace {
const std::string kFillMask = R"(fill-mask "The [MASK] lay open on the table." --model bertlab-mini)";
}  // namespace

TEST_CASE("BERTLAB_GEMM_KERNEL: bertlab-mini's fill-mask is the same bytes with every kernel this CPU runs",
          "[cli][kernels]") {
  const auto chosen = run_bertlab(kFillMask, "HF_HUB_OFFLINE=1");
  REQUIRE(chosen.exit_code == 0);
  for (GemmKernel kernel : {GemmKernel::avx2, GemmKernel::avx512_256, GemmKernel::avx512}) {
    if (!bertlab::kernels::cpu_has(kernel)) continue;
    CAPTURE(to_string(kernel));
    const auto run = run_bertlab(kFillMask, fmt::format("BERTLAB_GEMM_KERNEL={} HF_HUB_OFFLINE=1", to_string(kernel)));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.err.find("BERTLAB_GEMM_KERNEL") == std::string::npos);  // no note: the kernel was taken
    CHECK(run.out == chosen.out);
  }
}

TEST_CASE("BERTLAB_GEMM_KERNEL: a name that is no kernel is a one-line note, and the run goes on",
          "[cli][kernels]") {
  const auto chosen = run_bertlab(kFillMask, "HF_HUB_OFFLINE=1");
  const auto run = run_bertlab(kFillMask, "BERTLAB_GEMM_KERNEL=avx1024 HF_HUB_OFFLINE=1");
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Contains("note: BERTLAB_GEMM_KERNEL=avx1024 is not a kernel this CPU runs") &&
                          Contains("using " + to_string(bertlab::kernels::best_gemm_kernel())));
  CHECK(run.out == chosen.out);
}
