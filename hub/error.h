// HubError: the one exception type of the hub library.
//
// The hub depends on no other bertlab library, so it has its own type (a std::runtime_error, like
// bertlab::Error and TokenizerError) with the project's message form:
//   "<where>: <what is wrong>: expected <X>, got <Y>. Hint: <how to fix>"
// e.g. "hub: download failed: GET https://huggingface.co/bert-base-uncased/resolve/main/vocab.txt
//       answered HTTP 404. Hint: ..."
#pragma once

#include <stdexcept>

namespace bertlab::hub {

struct HubError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The server could not be reached at all (connection refused, DNS failure, timeout): the caller
// knows the model name and the cache, and turns this into "how to get the model offline".
struct NetworkError : HubError {
  using HubError::HubError;
};

}  // namespace bertlab::hub
