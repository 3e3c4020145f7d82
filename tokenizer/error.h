// TokenizerError: the one exception type of the tokenizer library.
//
// The tokenizer depends on no other bertlab library, so it has its own type (a
// std::runtime_error, like bertlab::Error) with the project's message form:
//   "<where>: <what is wrong>: expected <X>, got <Y>. Hint: <how to fix>"
// e.g. "Vocab: duplicate token: expected every token once, got "the" on lines 1997 and 2001.
//       Hint: remove the second line (ids are line numbers, so later ids shift by one)"
#pragma once

#include <stdexcept>

namespace bertlab::tokenizer {

struct TokenizerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bertlab::tokenizer
