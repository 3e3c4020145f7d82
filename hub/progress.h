// A one-line download progress bar on stderr, like huggingface_hub's tqdm bar:
//
//   model.safetensors  45% |#########           | 1.9 MB/4.1 MB  3.2 MB/s  ETA 0:01
//
// On a terminal the line redraws itself (at most 10 times a second); in a log (stderr not a
// terminal) only the final line is printed. HF_HUB_DISABLE_PROGRESS_BARS=1 silences it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bertlab::hub {

class ProgressBar {
 public:
  // `resumed` bytes were already on disk; `total` is the file's full size when known.
  ProgressBar(std::string label, uint64_t resumed, std::optional<uint64_t> total);

  void update(uint64_t received);  // bytes received by this transfer so far
  void finish();                   // the final line, with a newline

 private:
  std::string line() const;

  std::string label_;
  uint64_t resumed_, received_ = 0;
  std::optional<uint64_t> total_;
  bool live_, enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace bertlab::hub
