// The training-data readers take a path, not text: a target writes each input to a file and
// passes its path. One file per process, so that fuzzers running side by side do not share it.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

// The files this process wrote, removed when it exits normally (libFuzzer ends with exit()).
struct TempFiles {
  std::set<std::filesystem::path> paths;
  ~TempFiles() {
    std::error_code ignored;
    for (const auto& path : paths) std::filesystem::remove(path, ignored);
  }
};

// Writes `bytes` to this process's temp file with the given extension, and returns its path.
inline std::filesystem::path write_temp_file(std::string_view bytes, const std::string& extension) {
  static TempFiles written;
  // /dev/shm is memory: a file there costs microseconds, where a busy disk took milliseconds.
  namespace fs = std::filesystem;
  const fs::path folder = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const fs::path path = folder / ("bertlab-fuzz-" + std::to_string(getpid()) + extension);
  written.paths.insert(path);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}
