#include "tensor/safetensors.h"  // defines: SafetensorsFile, SafetensorsWriter

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "json/parse.h"  // defines: parse_json, json_excerpt
#include "tensor/error.h"
#include "tensor/half.h"         // defines: load, f16_to_f32, bf16_to_f32, f32_to_f16
#include "tensor/mapped_file.h"  // defines: map_file, hold_bytes

namespace bertlab {

using json = nlohmann::json;

// Safetensors stores numbers little-endian; we copy them as they are, so the CPU must agree.
static_assert(std::endian::native == std::endian::little, "safetensors.cpp assumes a little-endian CPU");

namespace {

// ---- Numbers in the file ---------------------------------------------------------------------

// Bytes per element of every dtype the format defines. Only some can become a Tensor/IntTensor.
const std::map<std::string, int64_t> kDtypeSizes = {
    {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"U16", 2}, {"I16", 2},
    {"F16", 2},  {"BF16", 2}, {"U32", 4}, {"I32", 4},     {"F32", 4},     {"U64", 8}, {"I64", 8},
    {"F64", 8}};

// The dtypes tensor() and int_tensor() convert; the others are listed but cannot be read.
bool reads_as_float(const std::string& dtype) { return dtype == "F32" || dtype == "F16" || dtype == "BF16"; }
bool reads_as_ids(const std::string& dtype) { return dtype == "I64" || dtype == "I32"; }

// numel(shape) × element_size, or nothing when the product overflows int64: a hostile header
// can claim sizes like [2^40, 2^40].
std::optional<int64_t> byte_size(const Shape& shape, int64_t element_size) {
  const std::optional<int64_t> n = checked_numel(shape);
  return n ? checked_mul(*n, element_size) : std::nullopt;
}

// ---- The JSON header ---------------------------------------------------------------------------

// A JSON array of non-negative integers that fit in int64 ("shape", "data_offsets").
std::vector<int64_t> read_sizes(const json& entry, const char* field, const std::string& where) {
  BERT_CHECK(entry.contains(field) && entry[field].is_array(),
             "{}: \"{}\" must be an array of non-negative integers, got {}", where, field,
             entry.contains(field) ? json_excerpt(entry[field]) : "nothing");
  std::vector<int64_t> sizes;
  for (const json& v : entry[field]) {
    BERT_CHECK(v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max()),
               "{}: \"{}\" must be an array of non-negative integers, got {}", where, field,
               json_excerpt(entry[field]));
    sizes.push_back(static_cast<int64_t>(v.get<uint64_t>()));
  }
  return sizes;
}

// One tensor's description, checked against itself and the size of the data section.
SafetensorsEntry parse_entry(const json& value, int64_t data_size, const std::string& where) {
  BERT_CHECK(value.is_object(), "{}: expected an object with dtype, shape and data_offsets, got {}", where,
             json_excerpt(value));
  BERT_CHECK(value.contains("dtype") && value["dtype"].is_string(), "{}: \"dtype\" must be a string, got {}",
             where, json_excerpt(value));
  SafetensorsEntry entry;
  entry.dtype = value["dtype"].get<std::string>();
  BERT_CHECK(kDtypeSizes.count(entry.dtype), "{}: unknown dtype {}", where, json_excerpt(entry.dtype));
  entry.shape = read_sizes(value, "shape", where);
  const std::vector<int64_t> offsets = read_sizes(value, "data_offsets", where);
  BERT_CHECK(offsets.size() == 2, "{}: \"data_offsets\" must be [begin, end], got {}", where, offsets);
  entry.begin = offsets[0];
  entry.end = offsets[1];
  BERT_CHECK(entry.begin <= entry.end && entry.end <= data_size,
             "{}: data_offsets out of range: expected 0 <= begin <= end <= {} (the data size), got {}", where,
             data_size, offsets);
  const std::optional<int64_t> bytes = byte_size(entry.shape, kDtypeSizes.at(entry.dtype));
  BERT_CHECK(bytes == entry.end - entry.begin,
             "{}: shape and data_offsets disagree: expected {} bytes for {} {}, got {} bytes in {}", where,
             bytes ? std::to_string(*bytes) : "more than 2^63", entry.dtype, entry.shape, entry.end - entry.begin,
             offsets);
  return entry;
}

// "__metadata__": free-form text, so every value must be a string.
std::map<std::string, std::string> parse_metadata(const json& value, const std::string& file) {
  BERT_CHECK(value.is_object(), "safetensors '{}': __metadata__ must be an object, got {}", file,
             json_excerpt(value));
  std::map<std::string, std::string> metadata;
  for (const auto& [key, text] : value.items()) {
    BERT_CHECK(text.is_string(), "safetensors '{}': __metadata__ '{}' must be a string, got {}", file,
               text_excerpt(key), json_excerpt(text));
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

// The format requires the tensors to tile the data section exactly: no overlaps (two tensors
// sharing bytes) and no holes (bytes that belong to nobody, where other content could hide).
void check_tiling(const std::map<std::string, SafetensorsEntry>& entries, int64_t data_size,
                  const std::string& file) {
  std::vector<std::pair<const std::string*, const SafetensorsEntry*>> by_offset;
  for (const auto& [name, entry] : entries) by_offset.emplace_back(&name, &entry);
  std::sort(by_offset.begin(), by_offset.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second->begin, a.second->end) < std::pair(b.second->begin, b.second->end);
  });
  int64_t covered = 0;  // bytes [0, covered) belong to the tensors seen so far
  std::string previous;  // the tensor that ends at `covered`
  for (const auto& [name, entry] : by_offset) {
    BERT_CHECK(entry->begin >= covered,
               "safetensors '{}': tensor '{}' overlaps {}: it starts at byte {}, before that one ends at {}", file,
               text_excerpt(*name), previous, entry->begin, covered);
    BERT_CHECK(entry->begin == covered, "safetensors '{}': bytes [{}, {}) before tensor '{}' belong to no tensor",
               file, covered, entry->begin, text_excerpt(*name));
    covered = entry->end;
    previous = "tensor '" + text_excerpt(*name) + "'";
  }
  BERT_CHECK(covered == data_size, "safetensors '{}': the last {} bytes of the file belong to no tensor", file,
             data_size - covered);
}

}  // namespace

// ---- Reading ------------------------------------------------------------------------------------

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  MappedFile file = map_file(path, "safetensors");
  return SafetensorsFile(std::move(file.bytes), file.size, path.string());
}

SafetensorsFile SafetensorsFile::from_bytes(std::string bytes, std::string name) {
  MappedFile file = hold_bytes(std::move(bytes));
  return SafetensorsFile(std::move(file.bytes), file.size, std::move(name));
}

// Reads the header, checks everything it claims, and remembers where each tensor lives.
SafetensorsFile::SafetensorsFile(std::shared_ptr<char> bytes, int64_t size, std::string file_name)
    : file_name_(std::move(file_name)), bytes_(std::move(bytes)) {
  const std::string& file = file_name_;
  BERT_CHECK(size >= 8, "safetensors '{}': file too short: expected at least 8 bytes (the header length), got {}",
             file, size);
  const uint64_t header_size = load<uint64_t>(bytes_.get(), 0);
  BERT_CHECK(header_size <= uint64_t(size - 8),
             "safetensors '{}': header length past the end of the file: expected at most {} bytes, got {}. "
             "Hint: is this a safetensors file?",
             file, size - 8, header_size);
  data_start_ = 8 + static_cast<int64_t>(header_size);
  const int64_t data_size = size - data_start_;
  const json header = parse_json<Error>(std::string_view(bytes_.get() + 8, header_size),
                                        fmt::format("safetensors '{}': the header", file));
  BERT_CHECK(header.is_object(), "safetensors '{}': the header must be a JSON object, got {}", file,
             json_excerpt(header));
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") metadata_ = parse_metadata(value, file);
    else entries_[name] = parse_entry(value, data_size, fmt::format("safetensors '{}': tensor '{}'", file,
                                                                     text_excerpt(name)));
  }
  check_tiling(entries_, data_size, file);
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  BERT_CHECK(it != entries_.end(), "safetensors '{}': no tensor named '{}'. Hint: names() lists the {} tensors",
             file_name_, name, entries_.size());
  return it->second;
}

char* SafetensorsFile::data_of(const SafetensorsEntry& entry) const {
  return bytes_.get() + data_start_ + entry.begin;
}

Tensor SafetensorsFile::tensor(const std::string& name) const {
  const SafetensorsEntry& e = entry(name);
  BERT_CHECK(reads_as_float(e.dtype),
             "safetensors '{}': tensor '{}': cannot read dtype {} as float32: expected F32, F16 or BF16{}", file_name_,
             name, e.dtype, reads_as_ids(e.dtype) ? ". Hint: int_tensor() reads integer ids" : "");
  char* src = data_of(e);
  if (e.dtype == "F32" && reinterpret_cast<uintptr_t>(src) % alignof(float) == 0) {
    // Zero-copy: a float* into the file, sharing ownership of the whole mapping.
    return Tensor::from_blob(std::shared_ptr<float>(bytes_, reinterpret_cast<float*>(src)), e.shape);
  }
  Tensor out = Tensor::empty(e.shape);
  float* dst = out.data();
  const int64_t n = out.numel();
  if (e.dtype == "F32") std::memcpy(dst, src, n * sizeof(float));  // unaligned: copy
  if (e.dtype == "F16") for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(load<uint16_t>(src, i));
  if (e.dtype == "BF16") for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(load<uint16_t>(src, i));
  return out;
}

IntTensor SafetensorsFile::int_tensor(const std::string& name) const {
  const SafetensorsEntry& e = entry(name);
  BERT_CHECK(reads_as_ids(e.dtype),
             "safetensors '{}': tensor '{}': cannot read dtype {} as int64 ids: expected I64 or I32{}", file_name_,
             name, e.dtype, reads_as_float(e.dtype) ? ". Hint: tensor() reads floats" : "");
  const char* src = data_of(e);
  const bool is_i64 = e.dtype == "I64";
  std::vector<int64_t> values(numel(e.shape));
  for (size_t i = 0; i < values.size(); ++i) values[i] = is_i64 ? load<int64_t>(src, i) : load<int32_t>(src, i);
  return IntTensor(std::move(values), e.shape);
}

// ---- Writing ------------------------------------------------------------------------------------

void SafetensorsWriter::add(const std::string& name, const Tensor& tensor, const std::string& dtype) {
  BERT_CHECK(dtype == "F32" || dtype == "F16", "SafetensorsWriter: tensor '{}': cannot write dtype {}: expected F32 "
             "or F16", name, dtype);
  if (dtype == "F32") return add_bytes(name, dtype, tensor.shape(), tensor.data(), tensor.numel() * sizeof(float));
  std::vector<uint16_t> halfs(tensor.numel());
  for (int64_t i = 0; i < tensor.numel(); ++i) halfs[i] = f32_to_f16(tensor.data()[i]);
  add_bytes(name, dtype, tensor.shape(), halfs.data(), halfs.size() * sizeof(uint16_t));
}

void SafetensorsWriter::add(const std::string& name, const IntTensor& ids) {
  add_bytes(name, "I64", ids.shape, ids.data.data(), ids.data.size() * sizeof(int64_t));
}

void SafetensorsWriter::add_bytes(const std::string& name, std::string dtype, Shape shape, const void* data,
                                  size_t size) {
  BERT_CHECK(name != "__metadata__", "SafetensorsWriter: '__metadata__' is reserved. Hint: use writer.metadata");
  BERT_CHECK(!tensors_.count(name), "SafetensorsWriter: tensor '{}' added twice", name);
  tensors_[name] = Pending{std::move(dtype), std::move(shape), std::string(static_cast<const char*>(data), size)};
}

void SafetensorsWriter::save(const std::filesystem::path& path) const {
  json header = json::object();
  int64_t offset = 0;
  for (const auto& [name, t] : tensors_) {  // std::map: name order
    const int64_t end = offset + static_cast<int64_t>(t.bytes.size());
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // pad: the data then starts 8-byte aligned
  const uint64_t header_size = text.size();

  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&header_size), 8);  // little-endian (see static_assert)
    out << text;
    for (const auto& [name, t] : tensors_) out << t.bytes;
    out.flush();
    BERT_CHECK(out.good(), "safetensors '{}': cannot write '{}': {}", path.string(), tmp.string(),
               std::strerror(errno));
  }
  std::error_code error;
  std::filesystem::rename(tmp, path, error);  // atomic on POSIX: readers see the old or the new file
  BERT_CHECK(!error, "safetensors '{}': cannot rename '{}' to it: {}", path.string(), tmp.string(), error.message());
}

}  // namespace bertlab
