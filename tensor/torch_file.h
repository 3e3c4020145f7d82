// PyTorch checkpoints (pytorch_model.bin, torch.save of a state dict) read as tensors, without
// Python and without running anything the file contains.
//
// The file is a zip archive (torch_zip.h) holding a pickle (torch_pickle.h) that lists each
// tensor and the raw bytes of each storage:
//   pytorch_model/data.pkl   {'bert.pooler.dense.bias': tensor(storage '7', offset 0, size (4,), stride (1,))}
//   pytorch_model/data/7     16 bytes: 4 float32, little-endian
//
//   TorchFile file = TorchFile::open("pytorch_model.bin");
//   Tensor w = file.tensor("bert.embeddings.word_embeddings.weight");  // [30522, 768]
//
// Like SafetensorsFile, open() checks everything up front: every tensor lies inside its storage
// and every storage's entry has exactly the bytes its numel needs. Both formats are read: the zip
// of torch >= 1.6, and the legacy one before it (pickles and storages back to back).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/tensor.h"        // defines: Tensor, IntTensor
#include "tensor/torch_pickle.h"  // defines: PickledTensor

namespace bertlab {

class TorchFile {
 public:
  static TorchFile open(const std::filesystem::path& path);  // maps the file (mapped_file.h)
  // The same over a whole file's bytes already in memory; `name` is for messages.
  static TorchFile from_bytes(std::string bytes, std::string name);

  const std::string& file_name() const { return file_name_; }
  std::vector<std::string> names() const;  // sorted by name
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  const PickledTensor& entry(const std::string& name) const;  // throws when missing

  // F32, F16, BF16 or F64 as float32. A contiguous, aligned F32 tensor shares the mapped file's
  // memory (two names tied to one storage then share numbers, as in PyTorch); any other is copied,
  // following its strides: a non-contiguous tensor (a saved transpose) comes back contiguous.
  Tensor tensor(const std::string& name) const;
  IntTensor int_tensor(const std::string& name) const;  // I64 or I32, as int64

 private:
  TorchFile(std::shared_ptr<char> bytes, int64_t size, std::string file_name);
  void read_zip(std::string_view all);
  void read_legacy(std::string_view all);
  // Keeps `t` once its storage's bytes (`data`, nullptr when there are none) hold exactly its numel;
  // `place` names where they were looked for, for messages ("entry archive/data/0").
  void add(PickledTensor t, const std::string_view* data, const std::string& place);
  std::string file_name_;
  std::shared_ptr<char> bytes_;  // the whole file
  std::map<std::string, PickledTensor> entries_;
  std::map<std::string, std::string_view> storages_;  // storage key -> its bytes in the file
};

}  // namespace bertlab
