// libFuzzer target for the safetensors reader: any bytes must give either tensors or a
// bertlab::Error, never a crash, a hang or a read out of bounds (ASan + UBSan watch).
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DBERTLAB_FUZZ=ON -DBERTLAB_TESTS=OFF
//   cmake --build build-fuzz -j2 --target fuzz_safetensors
//   mkdir -p /tmp/st-corpus && ./build-fuzz/fuzz/fuzz_safetensors -write_seeds=/tmp/st-corpus
//   ./build-fuzz/fuzz/fuzz_safetensors -runs=200000 -dict=fuzz/safetensors.dict /tmp/st-corpus
//
// -write_seeds (write_seeds.h) writes a few valid files to start from. An input is
// read in one of two ways: as a whole file, or, when it starts with '{', as header text, a
// NUL byte and the data; we then put the 8-byte length in front. JSON cannot contain a raw
// NUL, and this way a mutation that lengthens the JSON does not also break the length.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>

#include "fuzz/read_every_tensor.h"  // defines: read_every_tensor
#include "fuzz/write_seeds.h"    // defines: write_seeds_if_asked
#include "tensor/error.h"
#include "tensor/safetensors.h"  // defines: SafetensorsFile, SafetensorsWriter

using namespace bertlab;

namespace {

// The 8-byte little-endian header length, then the header.
std::string with_length(const std::string& header) {
  const uint64_t n = header.size();
  return std::string(reinterpret_cast<const char*>(&n), 8) + header;
}

// Seeds: one file per dtype the reader converts, metadata, an empty tensor; in both forms.
void write_seeds(const std::string& dir) {
  SafetensorsWriter writer;
  writer.add("w", Tensor::from_vector({1, -2, 0.5f, 3}, {2, 2}));
  writer.add("ids", IntTensor({101, 0}, {2}));
  writer.add("empty", Tensor::empty({0, 3}));
  writer.metadata["format"] = "pt";
  writer.save(dir + "/mixed.safetensors");
  // F16, BF16 and I32 by hand, two elements each: {1, -2} {1, -1} {1, -1}.
  const std::string header =
      R"({"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"h":{"dtype":"F16","shape":[2],)"
      R"("data_offsets":[4,8]},"i":{"dtype":"I32","shape":[2],"data_offsets":[8,16]},)"
      R"("__metadata__":{"k":"v"}})";
  const std::string data("\x80\x3F\x00\xC0\x00\x3C\x00\xBC\x01\x00\x00\x00\xFF\xFF\xFF\xFF", 16);
  std::ofstream(dir + "/narrow.safetensors", std::ios::binary) << with_length(header) << data;
  std::ofstream(dir + "/narrow.text", std::ios::binary) << header << '\0' << data;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (size > 0 && bytes[0] == '{') {  // header text, NUL, data
    const size_t nul = std::min(bytes.find('\0'), size);
    bytes = with_length(bytes.substr(0, nul)) + bytes.substr(std::min(nul + 1, size));
  }
  try {
    read_every_tensor(SafetensorsFile::from_bytes(std::move(bytes), "fuzz-input"));
  } catch (const Error&) {
  }
  return 0;
}
