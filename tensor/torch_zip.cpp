#include "tensor/torch_zip.h"  // defines: ZipArchive

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "json/parse.h"  // defines: text_excerpt
#include "tensor/error.h"
#include "tensor/shape.h"  // defines: checked_mul

namespace bertlab {

namespace {

// Each record starts with a 4-byte signature ("PK" and two numbers).
constexpr uint32_t kLocalHeader = 0x04034b50;     // before each entry's bytes: 30 bytes + name + extra
constexpr uint32_t kCentralHeader = 0x02014b50;   // one per entry in the central directory: 46 + ...
constexpr uint32_t kEnd = 0x06054b50;             // end of central directory: 22 bytes + comment
constexpr uint32_t kZip64Locator = 0x07064b50;    // 20 bytes just before kEnd, when sizes need 64 bits
constexpr uint32_t kZip64End = 0x06064b50;        // the 64-bit end record the locator points at
constexpr int64_t kEndSize = 22, kCentralSize = 46, kLocalSize = 30, kMaxComment = 0xFFFF;

// Little-endian reads, each checked against the file: a hostile offset is an error, not a read
// past the end. `what` names the field for the message.
class Bytes {
 public:
  Bytes(const char* data, int64_t size, const std::string& file) : data_(data), size_(size), file_(file) {}

  template <typename T>
  T read(int64_t offset, const char* what) const {
    check_range(offset, sizeof(T), what);
    T value;
    std::memcpy(&value, data_ + offset, sizeof(T));
    return value;
  }
  std::string_view view(int64_t offset, int64_t length, const char* what) const {
    check_range(offset, length, what);
    return std::string_view(data_ + offset, length);
  }
  void check_range(int64_t offset, int64_t length, const char* what) const {
    BERT_CHECK(offset >= 0 && length >= 0 && offset <= size_ && length <= size_ - offset,
               "torch zip '{}': {} out of range: expected bytes [{}, {} + {}) inside the {}-byte file, got past the "
               "end. Hint: the file is truncated or not a PyTorch checkpoint",
               file_, what, offset, offset, length, size_);
  }
  int64_t size() const { return size_; }

 private:
  const char* data_;
  int64_t size_;
  const std::string& file_;
};

// Where the central directory is and how many entries it lists.
struct Directory {
  int64_t offset = 0, size = 0, count = 0;
  int64_t end = 0;  // where the end records start: the directory must stop before
};

// The end record sits in the last 22 + 65535 bytes (a comment of up to 65535 bytes may follow it);
// search backwards for the one whose comment reaches exactly the end of the file.
Directory find_directory(const Bytes& zip, const std::string& file) {
  BERT_CHECK(zip.size() >= kEndSize, "torch zip '{}': not a zip archive: expected at least {} bytes, got {}", file,
             kEndSize, zip.size());
  std::optional<int64_t> end;
  for (int64_t at = zip.size() - kEndSize; at >= std::max<int64_t>(0, zip.size() - kEndSize - kMaxComment); --at)
    if (zip.read<uint32_t>(at, "end record") == kEnd &&
        at + kEndSize + zip.read<uint16_t>(at + 20, "comment length") == zip.size()) {
      end = at;
      break;
    }
  BERT_CHECK(end, "torch zip '{}': not a zip archive: no end-of-central-directory record. Hint: the file is "
                  "truncated or not a PyTorch checkpoint", file);
  BERT_CHECK(zip.read<uint16_t>(*end + 4, "disk number") == 0 && zip.read<uint16_t>(*end + 6, "disk number") == 0,
             "torch zip '{}': a multi-disk (split) zip archive is not supported", file);
  Directory dir{zip.read<uint32_t>(*end + 16, "directory offset"), zip.read<uint32_t>(*end + 12, "directory size"),
                zip.read<uint16_t>(*end + 10, "entry count"), *end};
  if (dir.count == 0xFFFF || dir.size == 0xFFFFFFFF || dir.offset == 0xFFFFFFFF) {  // zip64: look further
    const int64_t locator = *end - 20;
    BERT_CHECK(locator >= 0 && zip.read<uint32_t>(locator, "zip64 locator") == kZip64Locator,
               "torch zip '{}': the end record needs a zip64 locator before it, got none", file);
    const uint64_t record = zip.read<uint64_t>(locator + 8, "zip64 end offset");
    BERT_CHECK(record <= uint64_t(locator) && zip.read<uint32_t>(record, "zip64 end record") == kZip64End,
               "torch zip '{}': the zip64 locator points at byte {}, where there is no zip64 end record", file,
               record);
    const uint64_t count = zip.read<uint64_t>(record + 32, "zip64 entry count");
    const uint64_t size = zip.read<uint64_t>(record + 40, "zip64 directory size");
    const uint64_t offset = zip.read<uint64_t>(record + 48, "zip64 directory offset");
    BERT_CHECK(count <= uint64_t(zip.size()) && size <= uint64_t(zip.size()) && offset <= uint64_t(zip.size()),
               "torch zip '{}': zip64 sizes larger than the file: {} entries, directory of {} bytes at {}", file,
               count, size, offset);
    dir = Directory{int64_t(offset), int64_t(size), int64_t(count), int64_t(record)};
  }
  BERT_CHECK(dir.offset + dir.size <= dir.end,
             "torch zip '{}': the central directory (bytes [{}, {})) overlaps the end record at {}", file, dir.offset,
             dir.offset + dir.size, dir.end);
  BERT_CHECK(dir.count <= dir.size / kCentralSize,
             "torch zip '{}': {} entries cannot fit in a central directory of {} bytes", file, dir.count, dir.size);
  return dir;
}

// A name stays inside the archive's folder: "<prefix>/a/b", no "", "." or ".." part, no '\'.
bool is_safe_name(std::string_view name) {
  if (name.empty() || name.find('\\') != std::string_view::npos || name.find('\0') != std::string_view::npos)
    return false;
  for (size_t start = 0; start <= name.size();) {
    const size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

// One entry as the central directory describes it (sizes widened by its zip64 extra field).
struct Entry {
  std::string name;
  int64_t size = 0;          // stored = compressed = uncompressed
  int64_t local_offset = 0;  // its local header
  int64_t data_offset = 0;   // its first byte
};

// The zip64 extra field (id 1) holds, in this order, the 64-bit value of each 32-bit field
// that is 0xFFFFFFFF: uncompressed size, compressed size, local header offset.
void widen_zip64(const Bytes& zip, int64_t extra, int64_t extra_end, std::vector<uint64_t*> fields,
                 const std::string& where) {
  std::erase_if(fields, [](const uint64_t* f) { return *f != 0xFFFFFFFF; });
  for (int64_t at = extra; at + 4 <= extra_end && !fields.empty();) {
    const uint16_t id = zip.read<uint16_t>(at, "extra field id");
    const uint16_t length = zip.read<uint16_t>(at + 2, "extra field length");
    BERT_CHECK(at + 4 + length <= extra_end, "{}: an extra field runs past its entry", where);
    if (id == 1) {
      BERT_CHECK(length >= 8 * fields.size(), "{}: the zip64 extra field is too short", where);
      for (size_t i = 0; i < fields.size(); ++i) *fields[i] = zip.read<uint64_t>(at + 4 + 8 * i, "zip64 size");
      return;
    }
    at += 4 + length;
  }
  BERT_CHECK(fields.empty(), "{}: a size of 0xFFFFFFFF needs a zip64 extra field, got none", where);
}

// Reads the central directory record at `at` and the entry's local header; returns the entry and
// moves `at` to the next record.
Entry read_entry(const Bytes& zip, int64_t& at, const Directory& dir, const std::string& file) {
  BERT_CHECK(zip.read<uint32_t>(at, "central header") == kCentralHeader,
             "torch zip '{}': no central directory record at byte {}", file, at);
  const uint16_t flags = zip.read<uint16_t>(at + 8, "flags"), method = zip.read<uint16_t>(at + 10, "method");
  uint64_t compressed = zip.read<uint32_t>(at + 20, "compressed size");
  uint64_t uncompressed = zip.read<uint32_t>(at + 24, "uncompressed size");
  const int64_t name_length = zip.read<uint16_t>(at + 28, "name length");
  const int64_t extra_length = zip.read<uint16_t>(at + 30, "extra length");
  const int64_t comment_length = zip.read<uint16_t>(at + 32, "comment length");
  uint64_t local = zip.read<uint32_t>(at + 42, "local header offset");
  const int64_t next = at + kCentralSize + name_length + extra_length + comment_length;
  BERT_CHECK(next <= dir.offset + dir.size, "torch zip '{}': a central directory record runs past the directory",
             file);
  Entry entry;
  entry.name = std::string(zip.view(at + kCentralSize, name_length, "entry name"));
  const std::string where = fmt::format("torch zip '{}': entry '{}'", file, text_excerpt(entry.name));
  widen_zip64(zip, at + kCentralSize + name_length, at + kCentralSize + name_length + extra_length,
              {&uncompressed, &compressed, &local}, where);
  BERT_CHECK(!(flags & 1), "{}: encrypted entries are not supported", where);
  BERT_CHECK(method == 0 && compressed == uncompressed,
             "{}: expected a stored (uncompressed) entry, as torch.save writes, got method {} with {} bytes "
             "compressed and {} uncompressed. Hint: save it again with torch.save",
             where, method, compressed, uncompressed);
  BERT_CHECK(local < uint64_t(dir.offset) && uncompressed < uint64_t(dir.offset),
             "{}: its header at byte {} or its size {} is past the central directory at {}", where, local,
             uncompressed, dir.offset);
  entry.size = int64_t(uncompressed), entry.local_offset = int64_t(local);
  // The local header repeats the name; its own sizes may be 0 (bit 3: they follow the data).
  BERT_CHECK(zip.read<uint32_t>(entry.local_offset, "local header") == kLocalHeader,
             "{}: no local header at byte {}", where, local);
  const int64_t local_name = zip.read<uint16_t>(entry.local_offset + 26, "local name length");
  const int64_t local_extra = zip.read<uint16_t>(entry.local_offset + 28, "local extra length");
  BERT_CHECK(zip.view(entry.local_offset + kLocalSize, local_name, "local name") == entry.name,
             "{}: the local header names another entry", where);
  entry.data_offset = entry.local_offset + kLocalSize + local_name + local_extra;
  BERT_CHECK(entry.data_offset + entry.size <= dir.offset,
             "{}: its {} bytes at byte {} run into the central directory at {}", where, entry.size,
             entry.data_offset, dir.offset);
  at = next;
  return entry;
}

}  // namespace

ZipArchive ZipArchive::read(const char* bytes, int64_t size, std::string file) {
  ZipArchive archive;
  archive.file_ = std::move(file);
  const std::string& name = archive.file_;
  const Bytes zip(bytes, size, name);
  const Directory dir = find_directory(zip, name);
  std::vector<Entry> entries;
  for (int64_t i = 0, at = dir.offset; i < dir.count; ++i) entries.push_back(read_entry(zip, at, dir, name));
  BERT_CHECK(!entries.empty(), "torch zip '{}': the archive is empty: expected <name>/data.pkl and data/ entries",
             name);
  // One folder holds everything; no name may climb out of it.
  archive.prefix_ = entries[0].name.substr(0, entries[0].name.find('/'));
  for (const Entry& e : entries) {
    BERT_CHECK(is_safe_name(e.name) && e.name.rfind(archive.prefix_ + "/", 0) == 0,
               "torch zip '{}': entry name '{}' is outside the archive's folder '{}/': expected '{}/<file>' "
               "without '..', '.', empty parts or '\\'",
               name, text_excerpt(e.name), archive.prefix_, archive.prefix_);
    BERT_CHECK(archive.entries_.emplace(e.name, std::string_view(bytes + e.data_offset, e.size)).second,
               "torch zip '{}': entry '{}' appears twice", name, text_excerpt(e.name));
  }
  // No two entries share bytes: each [local header, end of data) is its own.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.local_offset < b.local_offset; });
  for (size_t i = 1; i < entries.size(); ++i)
    BERT_CHECK(entries[i - 1].data_offset + entries[i - 1].size <= entries[i].local_offset,
               "torch zip '{}': entries '{}' and '{}' overlap. Hint: a zip that reuses bytes is not a checkpoint", name,
               text_excerpt(entries[i - 1].name), text_excerpt(entries[i].name));
  return archive;
}

std::string_view ZipArchive::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  BERT_CHECK(it != entries_.end(), "torch zip '{}': no entry '{}' in the archive", file_, text_excerpt(name));
  return it->second;
}

}  // namespace bertlab
