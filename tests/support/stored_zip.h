// Zip archives of stored (uncompressed) entries, as torch.save writes them, and the pickle opcodes
// of a state dict: the tests and fuzz/fuzz_torch_pickle.cpp build checkpoints (hostile ones too)
// from these parts instead of editing binaries by hand.
//
//   StoredZip zip = stored_zip({{"archive/data.pkl", pickle}, {"archive/data/0", floats}});
//   zip.bytes        the whole file
//   zip.central[i]   where entry i's central directory record starts (to break an offset in a test)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertlab::testing {

struct ZipPart {
  std::string name, bytes;
};

struct StoredZip {
  std::string bytes;
  std::vector<size_t> local, central;  // offsets of each entry's local header and central record
  size_t end = 0;                      // offset of the end-of-central-directory record
};

// Little-endian fixed-size integers.
inline std::string le(uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

// Entries in order; no CRC (the readers here do not check it) and no alignment padding.
inline StoredZip stored_zip(const std::vector<ZipPart>& parts) {
  StoredZip zip;
  for (const ZipPart& p : parts) {
    zip.local.push_back(zip.bytes.size());
    zip.bytes += le(0x04034b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) +  // version .. crc
                 le(p.bytes.size(), 4) + le(p.bytes.size(), 4) + le(p.name.size(), 2) + le(0, 2) + p.name + p.bytes;
  }
  const size_t directory = zip.bytes.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    const ZipPart& p = parts[i];
    zip.central.push_back(zip.bytes.size());
    zip.bytes += le(0x02014b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) +
                 le(p.bytes.size(), 4) + le(p.bytes.size(), 4) + le(p.name.size(), 2) + le(0, 2) + le(0, 2) +
                 le(0, 2) + le(0, 2) + le(0, 4) + le(zip.local[i], 4) + p.name;
  }
  zip.end = zip.bytes.size();
  zip.bytes += le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(parts.size(), 2) + le(parts.size(), 2) +
               le(zip.end - directory, 4) + le(directory, 4) + le(0, 2);
  return zip;
}

// ---- Pickle opcodes (protocol 2), enough to write a state dict ----
namespace pickle {
inline std::string proto() { return "\x80\x02"; }
inline std::string text(const std::string& s) { return "X" + le(s.size(), 4) + s; }  // BINUNICODE
inline std::string global(const std::string& module, const std::string& name) { return "c" + module + "\n" + name + "\n"; }
inline std::string int1(int n) { return "K" + le(n, 1); }  // BININT1, 0..255
inline std::string tuple(const std::string& items) { return "(" + items + "t"; }  // MARK items TUPLE
// ('storage', torch.<type>, key, 'cpu', numel) as a persistent id
inline std::string storage(const std::string& type, const std::string& key, int numel) {
  return tuple(text("storage") + global("torch", type) + text(key) + text("cpu") + int1(numel)) + "Q";
}
// _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())
inline std::string tensor(const std::string& storage, int offset, const std::string& size, const std::string& stride) {
  return global("torch._utils", "_rebuild_tensor_v2") +
         tuple(storage + int1(offset) + tuple(size) + tuple(stride) + "\x89" + global("collections", "OrderedDict") +
               ")R") +
         "R";
}
// {name: value, ...} and STOP
inline std::string dict(const std::string& items) { return proto() + "}(" + items + "u."; }
}  // namespace pickle

// A valid checkpoint: {"w": float32 [2] = {1, 2}} in storage "0".
inline std::vector<ZipPart> tiny_checkpoint_parts() {
  using namespace pickle;
  const std::string data = dict(text("w") + tensor(storage("FloatStorage", "0", 2), 0, int1(2), int1(1)));
  return {{"archive/data.pkl", data}, {"archive/data/0", std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8)},
          {"archive/byteorder", "little"}};
}

}  // namespace bertlab::testing
