#include "tensor/torch_file.h"  // defines: TorchFile

#include <bit>
#include <optional>

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
// PROTO 2, LONG1 of 10 bytes, STOP.
constexpr std::string_view kLegacyMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e", 15);

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

bool torch_reads_as_float(const std::string& dtype) {
  return dtype == "F32" || dtype == "F16" || dtype == "BF16" || dtype == "F64";
}
bool torch_reads_as_ids(const std::string& dtype) { return dtype == "I64" || dtype == "I32"; }

}  // namespace

TorchFile TorchFile::open(const std::filesystem::path& path) {
  MappedFile file = map_file(path, "torch");
  return TorchFile(std::move(file.bytes), file.size, path.string());
}

TorchFile TorchFile::from_bytes(std::string bytes, std::string name) {
  MappedFile file = hold_bytes(std::move(bytes));
  return TorchFile(std::move(file.bytes), file.size, std::move(name));
}

TorchFile::TorchFile(std::shared_ptr<char> bytes, int64_t size, std::string file_name)
    : file_name_(std::move(file_name)), bytes_(std::move(bytes)) {
  const std::string_view all(bytes_.get(), size);
  if (all.substr(0, kLegacyMagic.size()) == kLegacyMagic) read_legacy(all);
  else read_zip(all);
}

// torch >= 1.6: the zip archive, its data.pkl, and each storage in the entry data/<key>.
void TorchFile::read_zip(std::string_view all) {
  const std::string& file = file_name_;
  BERT_CHECK(all.substr(0, 4) == "PK\x03\x04",
             "torch '{}': not a PyTorch checkpoint: expected a zip archive (starting with \"PK\") or the legacy "
             "format, got {}", file, text_excerpt(all.substr(0, 8)));
  const ZipArchive zip = ZipArchive::read(all.data(), all.size(), file);
  const std::string prefix = zip.prefix() + "/";
  BERT_CHECK(zip.contains(prefix + "data.pkl"),
             "torch '{}': no {}data.pkl in the archive: not a torch.save checkpoint{}", file, prefix,
             zip.contains(prefix + "constants.pkl") ? " (a TorchScript archive? Hint: save model.state_dict())" : "");
  if (zip.contains(prefix + "byteorder"))
    BERT_CHECK(zip.entry(prefix + "byteorder") == "little", "torch '{}': byteorder {}: expected little", file,
               text_excerpt(zip.entry(prefix + "byteorder")));
  const std::string where = fmt::format("torch '{}': {}data.pkl", file, prefix);
  for (PickledTensor& t : unpickle_state_dict(zip.entry(prefix + "data.pkl"), where)) {
    const std::string entry = prefix + "data/" + t.storage_key;
    const std::string_view data = zip.contains(entry) ? zip.entry(entry) : std::string_view();
    add(std::move(t), zip.contains(entry) ? &data : nullptr, "entry " + text_excerpt(entry));
  }
}

// PyTorch < 1.6: five pickles back to back (the magic number, the protocol version 1001, sys_info,
// the state dict, the list of storage keys), then each storage in that list's order: its numel as
// 8 little-endian bytes, then its numel × element size bytes.
void TorchFile::read_legacy(std::string_view all) {
  const std::string where = fmt::format("torch '{}' (legacy format)", file_name_);
  size_t pos = kLegacyMagic.size(), consumed = 0;
  pos += skip_pickle(all.substr(pos), where + ": the protocol version");
  pos += skip_pickle(all.substr(pos), where + ": sys_info");
  std::vector<PickledTensor> tensors = unpickle_state_dict(all.substr(pos), where + ": the state dict", &consumed);
  pos += consumed;
  const std::vector<std::string> keys = unpickle_strings(all.substr(pos), where + ": the storage keys", &consumed);
  pos += consumed;
  std::map<std::string, int64_t> element_sizes;  // of each storage, from a tensor that uses it
  for (const PickledTensor& t : tensors) element_sizes[t.storage_key] = t.element_size;
  std::map<std::string, std::string_view> storages;
  for (const std::string& key : keys) {
    BERT_CHECK(element_sizes.count(key) && !storages.count(key),
               "{}: storage key '{}' is listed twice or belongs to no tensor", where, text_excerpt(key));
    BERT_CHECK(all.size() - pos >= 8, "{}: the file ends before storage '{}'", where, text_excerpt(key));
    const int64_t numel = load<int64_t>(all.data() + pos, 0);
    pos += 8;
    const std::optional<int64_t> bytes = numel >= 0 ? checked_mul(numel, element_sizes[key]) : std::nullopt;
    BERT_CHECK(bytes && uint64_t(*bytes) <= all.size() - pos,
               "{}: storage '{}' of {} elements: expected its bytes in the file, got only {} bytes left", where,
               text_excerpt(key), numel, all.size() - pos);
    storages[key] = all.substr(pos, *bytes);
    pos += *bytes;
  }
  BERT_CHECK(pos == all.size(), "{}: {} bytes after the last storage belong to nothing", where, all.size() - pos);
  for (PickledTensor& t : tensors) {
    const auto it = storages.find(t.storage_key);
    add(std::move(t), it != storages.end() ? &it->second : nullptr, "storage in the file");
  }
}

void TorchFile::add(PickledTensor t, const std::string_view* data, const std::string& place) {
  BERT_CHECK(data, "torch '{}': tensor '{}': its storage '{}' has no {}", file_name_, text_excerpt(t.name),
             text_excerpt(t.storage_key), place);
  const int64_t needed = t.storage_numel * t.element_size;  // torch_pickle checked it cannot overflow
  BERT_CHECK(int64_t(data->size()) == needed,
             "torch '{}': tensor '{}': storage '{}' of {} {} elements needs {} bytes, the {} has {}", file_name_,
             text_excerpt(t.name), text_excerpt(t.storage_key), t.storage_numel, t.dtype, needed, place, data->size());
  storages_[t.storage_key] = *data;
  entries_[t.name] = std::move(t);
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
  BERT_CHECK(torch_reads_as_float(t.dtype),
             "torch '{}': tensor '{}': cannot read dtype {} as float32: expected F32, F16, BF16 or F64{}", file_name_,
             name, t.dtype, torch_reads_as_ids(t.dtype) ? ". Hint: int_tensor() reads integer ids" : "");
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
  BERT_CHECK(torch_reads_as_ids(t.dtype), "torch '{}': tensor '{}': cannot read dtype {} as int64 ids: expected I64 or I32{}",
             file_name_, name, t.dtype, torch_reads_as_float(t.dtype) ? ". Hint: tensor() reads floats" : "");
  const char* storage = storages_.at(t.storage_key).data();
  std::vector<int64_t> values(numel(t.shape));
  const bool is_i64 = t.dtype == "I64";
  for_each_element(t, [&](int64_t i, int64_t s) { values[i] = is_i64 ? load<int64_t>(storage, s) : load<int32_t>(storage, s); });
  return IntTensor(std::move(values), t.shape);
}

}  // namespace bertlab
