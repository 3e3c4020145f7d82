#include "tensor/torch_file.h"  // defines: TorchFile

#include <bit>

#include "json/parse.h"  // defines: text_excerpt
#include "tensor/error.h"
#include "tensor/half.h"         // defines: load, f16_to_f32, bf16_to_f32
#include "tensor/mapped_file.h"  // defines: map_file, hold_bytes
#include "tensor/torch_zip.h"    // defines: ZipArchive

namespace bertlab {

// torch.save writes numbers in the CPU's order and says which in <archive>/byteorder; we copy them
// as they are, so we read only little-endian files on a little-endian CPU.
static_assert(std::endian::native == std::endian::little, "torch_file.cpp assumes a little-endian CPU");

namespace {

// A legacy (PyTorch < 1.6) file starts with a pickle of the magic number 0x1950a86a20f9469cfc6c:
// PROTO 2, LONG1 of 10 bytes.
bool is_legacy_torch_file(std::string_view bytes) { return bytes.substr(0, 4) == std::string_view("\x80\x02\x8a\x0a", 4); }

// Strides of a row-major [d0, d1, ..., dn] tensor: (d1·…·dn, …, dn, 1). Sizes of 1 may have any stride.
bool is_contiguous(const PickledTensor& t) {
  int64_t expected = 1;
  for (size_t k = t.shape.size(); k-- > 0;) {
    if (t.shape[k] != 1 && t.stride[k] != expected) return false;
    expected *= t.shape[k];
  }
  return true;
}

// Calls visit(i, s) for each element of `t` in row-major order: i counts the elements, s is the
// element's index in the storage, storage_offset + Σ index[k] × stride[k]. The index advances like
// an odometer: the last digit first, carrying into the one before when it wraps.
template <typename Visit>
void for_each_element(const PickledTensor& t, Visit visit) {
  const int64_t n = numel(t.shape);
  std::vector<int64_t> index(t.shape.size(), 0);
  int64_t source = t.storage_offset;
  for (int64_t i = 0; i < n; ++i) {
    visit(i, source);
    for (size_t k = t.shape.size(); k-- > 0;) {
      if (++index[k] < t.shape[k]) {
        source += t.stride[k];
        break;
      }
      source -= (t.shape[k] - 1) * t.stride[k];
      index[k] = 0;
    }
  }
}

bool reads_as_float(const std::string& dtype) {
  return dtype == "F32" || dtype == "F16" || dtype == "BF16" || dtype == "F64";
}
bool reads_as_ids(const std::string& dtype) { return dtype == "I64" || dtype == "I32"; }

}  // namespace

TorchFile TorchFile::open(const std::filesystem::path& path) {
  MappedFile file = map_file(path, "torch");
  return TorchFile(std::move(file.bytes), file.size, path.string());
}

TorchFile TorchFile::from_bytes(std::string bytes, std::string name) {
  MappedFile file = hold_bytes(std::move(bytes));
  return TorchFile(std::move(file.bytes), file.size, std::move(name));
}

// Reads the archive and the pickle, and checks every storage against its entry.
TorchFile::TorchFile(std::shared_ptr<char> bytes, int64_t size, std::string file_name)
    : file_name_(std::move(file_name)), bytes_(std::move(bytes)) {
  const std::string& file = file_name_;
  const std::string_view all(bytes_.get(), size);
  BERT_CHECK(!is_legacy_torch_file(all),
             "torch '{}': the legacy torch.save format (PyTorch < 1.6, not a zip archive) is not supported. Hint: "
             "convert it to model.safetensors with safetensors' convert script, or rewrite it with a recent torch",
             file);
  BERT_CHECK(all.substr(0, 4) == "PK\x03\x04",
             "torch '{}': not a PyTorch checkpoint: expected a zip archive (starting with \"PK\"), got {}", file,
             text_excerpt(all.substr(0, 8)));
  const ZipArchive zip = ZipArchive::read(bytes_.get(), size, file);
  const std::string prefix = zip.prefix() + "/";
  BERT_CHECK(zip.contains(prefix + "data.pkl"),
             "torch '{}': no {}data.pkl in the archive: not a torch.save checkpoint{}", file, prefix,
             zip.contains(prefix + "constants.pkl") ? " (a TorchScript archive? Hint: save model.state_dict())" : "");
  if (zip.contains(prefix + "byteorder"))
    BERT_CHECK(zip.entry(prefix + "byteorder") == "little", "torch '{}': byteorder {}: expected little", file,
               text_excerpt(zip.entry(prefix + "byteorder")));
  const std::string where = fmt::format("torch '{}': {}data.pkl", file, prefix);
  for (PickledTensor& t : unpickle_state_dict(zip.entry(prefix + "data.pkl"), where)) {
    const std::string entry_name = prefix + "data/" + t.storage_key;
    BERT_CHECK(zip.contains(entry_name), "torch '{}': tensor '{}': its storage '{}' has no entry {} in the archive",
               file, text_excerpt(t.name), text_excerpt(t.storage_key), text_excerpt(entry_name));
    const std::string_view data = zip.entry(entry_name);
    const int64_t needed = t.storage_numel * t.element_size;  // torch_pickle checked it cannot overflow
    BERT_CHECK(int64_t(data.size()) == needed,
               "torch '{}': tensor '{}': storage '{}' of {} {} elements needs {} bytes, the entry {} has {}", file,
               text_excerpt(t.name), text_excerpt(t.storage_key), t.storage_numel, t.dtype, needed,
               text_excerpt(entry_name), data.size());
    storages_[t.storage_key] = data;
    entries_[t.name] = std::move(t);
  }
}

std::vector<std::string> TorchFile::names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const PickledTensor& TorchFile::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  BERT_CHECK(it != entries_.end(), "torch '{}': no tensor named '{}'. Hint: names() lists the {} tensors",
             file_name_, name, entries_.size());
  return it->second;
}

Tensor TorchFile::tensor(const std::string& name) const {
  const PickledTensor& t = entry(name);
  BERT_CHECK(reads_as_float(t.dtype),
             "torch '{}': tensor '{}': cannot read dtype {} as float32: expected F32, F16, BF16 or F64{}", file_name_,
             name, t.dtype, reads_as_ids(t.dtype) ? ". Hint: int_tensor() reads integer ids" : "");
  const char* storage = storages_.at(t.storage_key).data();
  const char* first = storage + t.storage_offset * t.element_size;
  if (t.dtype == "F32" && is_contiguous(t) && reinterpret_cast<uintptr_t>(first) % alignof(float) == 0) {
    // Zero-copy: a float* into the mapped file, sharing ownership of the whole mapping.
    float* data = reinterpret_cast<float*>(const_cast<char*>(first));
    return Tensor::from_blob(std::shared_ptr<float>(bytes_, data), t.shape);
  }
  Tensor out = Tensor::empty(t.shape);
  float* dst = out.data();
  if (t.dtype == "F32") for_each_element(t, [&](int64_t i, int64_t s) { dst[i] = load<float>(storage, s); });
  if (t.dtype == "F16") for_each_element(t, [&](int64_t i, int64_t s) { dst[i] = f16_to_f32(load<uint16_t>(storage, s)); });
  if (t.dtype == "BF16") for_each_element(t, [&](int64_t i, int64_t s) { dst[i] = bf16_to_f32(load<uint16_t>(storage, s)); });
  if (t.dtype == "F64") for_each_element(t, [&](int64_t i, int64_t s) { dst[i] = static_cast<float>(load<double>(storage, s)); });
  return out;
}

IntTensor TorchFile::int_tensor(const std::string& name) const {
  const PickledTensor& t = entry(name);
  BERT_CHECK(reads_as_ids(t.dtype), "torch '{}': tensor '{}': cannot read dtype {} as int64 ids: expected I64 or I32{}",
             file_name_, name, t.dtype, reads_as_float(t.dtype) ? ". Hint: tensor() reads floats" : "");
  const char* storage = storages_.at(t.storage_key).data();
  std::vector<int64_t> values(numel(t.shape));
  const bool is_i64 = t.dtype == "I64";
  for_each_element(t, [&](int64_t i, int64_t s) { values[i] = is_i64 ? load<int64_t>(storage, s) : load<int32_t>(storage, s); });
  return IntTensor(std::move(values), t.shape);
}

}  // namespace bertlab
