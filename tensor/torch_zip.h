// The zip container of a PyTorch checkpoint (torch.save since PyTorch 1.6, pytorch_model.bin).
//
// torch.save writes a zip archive whose entries all sit under one folder, the archive's name:
//   pytorch_model/data.pkl      the pickle: which tensors, their shapes, where their numbers are
//   pytorch_model/data/0        the raw bytes of storage "0" (little-endian), and so on
//   pytorch_model/version, pytorch_model/byteorder, ...
// Every entry is STORED (not compressed) and its data starts 64-byte aligned, so a float32
// tensor can point straight into the mapped file. A zip is read from its end: the "end of
// central directory" record says where the central directory is, which lists every entry's name,
// size and the offset of its local header; the entry's bytes follow that local header.
//
//   ZipArchive zip = ZipArchive::read(bytes, size, "pytorch_model.bin");
//   std::string_view pickle = zip.entry("pytorch_model/data.pkl");
//
// This reader only reads what PyTorch writes, and checks every offset and size against the
// file: compressed or encrypted entries, overlapping entries (a "zip bomb" reuses bytes), names
// outside the archive's one folder ("../x", "/x") and duplicate names are errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace bertlab {

class ZipArchive {
 public:
  // `bytes` stays owned by the caller and must outlive the archive; `file` is for messages.
  static ZipArchive read(const char* bytes, int64_t size, std::string file);

  const std::string& prefix() const { return prefix_; }  // the one folder, e.g. "pytorch_model"
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  // The bytes of an entry; throws an error naming the file when there is none by that name.
  std::string_view entry(const std::string& name) const;

 private:
  std::string file_;
  std::string prefix_;
  std::map<std::string, std::string_view> entries_;  // full name -> its bytes in the file
};

}  // namespace bertlab
