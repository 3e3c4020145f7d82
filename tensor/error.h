// bertlab::Error — the one exception type of the tensor, nn and bert layers.
//
// Messages follow one form so that a learner can act on them:
//   "<where>: <what is wrong>: expected <X>, got <Y>. Hint: <how to fix>"
// e.g. "matmul: inner dimensions differ: expected a [.., M, K] and b [.., K, N] with equal K,
//       got [2, 8, 32] and [64, 32]. Hint: did you mean transpose_b = true?"
// Library code never calls exit() or abort(); it throws, and the CLI prints the one line.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>  // lets fmt print a Shape (std::vector<int64_t>) as "[2, 8, 32]"

#include <stdexcept>
#include <string>

namespace bertlab {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bertlab

// BERT_CHECK(cond, "fmt {}", args...): throw bertlab::Error with the formatted message when
// cond is false. The source file and line are appended so a bug report points at the check.
#define BERT_CHECK(cond, ...)                                                           \
  do {                                                                                  \
    if (!(cond))                                                                        \
      throw ::bertlab::Error(fmt::format(__VA_ARGS__) +                                 \
                             fmt::format(" ({}:{})", __FILE_NAME__, __LINE__));         \
  } while (0)
