// Safetensors: the checkpoint format of HuggingFace models, read and written without pickle.
//
// A file is three parts: 8 bytes holding N (a little-endian uint64), N bytes of JSON describing
// every tensor, then the tensors' raw bytes, back to back. A file holding bias [2] = {1, 2}:
//   40 00 00 00 00 00 00 00                                     N = 64
//   {"bias":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}   57 characters + 7 spaces
//   00 00 80 3F  00 00 00 40                                    1.0f, 2.0f (little-endian)
// data_offsets [0, 8] count bytes from the first byte after the JSON: 2 floats × 4 bytes.
//
//   SafetensorsFile file = SafetensorsFile::open("model.safetensors");
//   Tensor w = file.tensor("bert.embeddings.word_embeddings.weight");  // [30522, 768]
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensor/shape.h"   // defines: Shape
#include "tensor/tensor.h"  // defines: Tensor, IntTensor

namespace bertlab {

// One tensor as the JSON header describes it.
struct SafetensorsEntry {
  std::string dtype;  // as spelled in the file: "F32", "F16", "BF16", "I64", "I32", "F64", "U8", ...
  Shape shape;
  int64_t begin = 0;  // its bytes are [begin, end) of the data section
  int64_t end = 0;
};

// ---- Reading -------------------------------------------------------------------------------
// open() checks the whole header up front (every offset, shape and dtype), so a broken file
// fails at once with a message naming the file and the tensor, never later with a crash.
class SafetensorsFile {
 public:
  // Maps the file into memory (mmap): only the pages a tensor touches are ever read from disk.
  static SafetensorsFile open(const std::filesystem::path& path);
  // The same over bytes already in memory (a whole file's contents); `name` is for messages.
  static SafetensorsFile from_bytes(std::string bytes, std::string name);

  const std::string& file_name() const { return file_name_; }
  std::vector<std::string> names() const;  // sorted by name (not necessarily the file order)
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  const SafetensorsEntry& entry(const std::string& name) const;  // throws when missing

  // F32, F16 or BF16 as float32. F32 data shares the file's memory (no copy) when it is
  // 4-byte aligned, so two calls with one name return handles to the same numbers; writes
  // to them stay in this process (the mapping is private) and never reach the file.
  Tensor tensor(const std::string& name) const;
  IntTensor int_tensor(const std::string& name) const;  // I64 or I32, as int64 ids
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  SafetensorsFile(std::shared_ptr<char> bytes, int64_t size, std::string file_name);
  char* data_of(const SafetensorsEntry& entry) const;  // the entry's first byte

  std::string file_name_;
  std::shared_ptr<char> bytes_;  // the whole file; tensors that share it keep it alive
  int64_t data_start_ = 0;       // 8 + N: where the data section begins
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

// ---- Writing -------------------------------------------------------------------------------
//   SafetensorsWriter writer;
//   writer.add("classifier.weight", w);         // F32
//   writer.add("classifier.bias", b, "F16");    // F16: rounded to half precision
//   writer.add("input_ids", ids);               // I64
//   writer.metadata["format"] = "pt";
//   writer.save("model.safetensors");
class SafetensorsWriter {
 public:
  // add() copies the numbers now: later changes to the tensor do not reach the file. dtype "F16"
  // stores each float rounded to a half (tensor/half.h): half the bytes, ~3 significant digits.
  void add(const std::string& name, const Tensor& tensor, const std::string& dtype = "F32");
  void add(const std::string& name, const IntTensor& ids);
  // Tensors go in name order; the header is padded with spaces to a multiple of 8 bytes so
  // the data starts aligned. Written to `path.tmp`, then renamed: a crash never leaves a
  // half-written checkpoint under the real name.
  void save(const std::filesystem::path& path) const;

  std::map<std::string, std::string> metadata;  // stored as "__metadata__"

 private:
  struct Pending {
    std::string dtype;
    Shape shape;
    std::string bytes;
  };
  void add_bytes(const std::string& name, std::string dtype, Shape shape, const void* data, size_t size);
  std::map<std::string, Pending> tensors_;
};

}  // namespace bertlab
