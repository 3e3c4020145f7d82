// A whole file mapped into memory (mmap), for the checkpoint readers (safetensors, torch .bin).
//
//   MappedFile file = map_file("model.safetensors", "safetensors");
//   // file.bytes.get()[0 .. file.size): the file's bytes; pages are read from disk when touched
//
// The mapping is private and writable: a tensor that views it may be updated in place (an
// optimizer step); the kernel then copies the touched page for this process, and the file itself
// never changes. Tensors that view it share ownership of `bytes`, which unmaps when the last goes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace bertlab {

struct MappedFile {
  std::shared_ptr<char> bytes;  // nullptr for an empty file (nothing to map)
  int64_t size = 0;
};

// Refuses anything but a regular file, without blocking on a FIFO. `format` starts each error
// message: "<format> '<path>': cannot open: No such file or directory".
MappedFile map_file(const std::filesystem::path& path, const std::string& format);

// The same shape over bytes already in memory (a whole file's contents, e.g. from a fuzzer).
MappedFile hold_bytes(std::string bytes);

}  // namespace bertlab
