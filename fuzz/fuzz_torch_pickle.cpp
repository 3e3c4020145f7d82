// libFuzzer target for the PyTorch .bin reader (tensor/torch_file.h: torch_zip + torch_pickle): any
// bytes must give either tensors or a bertlab::Error, never a crash, a hang, a read out of bounds
// (ASan + UBSan watch) or a call of anything.
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DBERTLAB_FUZZ=ON -DBERTLAB_TESTS=OFF
//   cmake --build build-fuzz -j2 --target fuzz_torch_pickle
//   mkdir -p /tmp/tp-corpus && ./build-fuzz/fuzz/fuzz_torch_pickle -write_seeds=/tmp/tp-corpus
//   ./build-fuzz/fuzz/fuzz_torch_pickle -runs=1000000 -dict=fuzz/torch_pickle.dict /tmp/tp-corpus
//
// An input is read in one of two ways: a whole file when it starts with "PK" (the zip) or with the
// legacy format's magic number pickle (PROTO 2, LONG1 of 10 bytes), else as the pickle alone, which we put in a zip as archive/data.pkl beside storages "0" to "3" of 64
// bytes each (16 floats, 32 halves or 8 int64); most mutations then exercise the stack machine instead of breaking the zip.
#include <cstdint>
#include <fstream>
#include <string>

#include "fuzz/read_every_tensor.h"  // defines: read_every_tensor
#include "fuzz/write_seeds.h"          // defines: write_seeds_if_asked
#include "tensor/error.h"
#include "tensor/torch_file.h"         // defines: TorchFile
#include "tests/support/stored_zip.h"  // defines: stored_zip, pickle::*, tiny_checkpoint_parts

using namespace bertlab;
using namespace bertlab::testing;

namespace {

std::string as_checkpoint(const std::string& pickle) {
  const std::string storage(64, '\x3f');
  return stored_zip({{"archive/data.pkl", pickle}, {"archive/data/0", storage}, {"archive/data/1", storage},
                     {"archive/data/2", storage}, {"archive/data/3", storage}}).bytes;
}

// Seeds: the tiny checkpoint whole; a pickle of every dtype with views, offsets
// and strides over shared storages, in an OrderedDict with BUILD, as torch.save writes.
void write_seeds(const std::string& dir) {
  using namespace pickle;
  std::ofstream(dir + "/tiny.bin", std::ios::binary) << stored_zip(tiny_checkpoint_parts()).bytes;
  const std::string items =
      text("f32") + tensor(storage("FloatStorage", "0", 16), 0, int1(4) + int1(4), int1(4) + int1(1)) +
      text("t") + tensor(storage("FloatStorage", "0", 16), 2, int1(2) + int1(3), int1(1) + int1(4)) +
      text("f16") + tensor(storage("HalfStorage", "1", 32), 0, int1(32), int1(1)) +
      text("bf16") + tensor(storage("BFloat16Storage", "3", 32), 3, int1(2), int1(2)) +
      text("i64") + tensor(storage("LongStorage", "2", 8), 0, int1(8), int1(1)) +
      text("scalar") + tensor(storage("FloatStorage", "0", 16), 5, "", "");
  std::ofstream(dir + "/dtypes.pkl", std::ios::binary) << dict(items);
  const std::string ordered = proto() + global("collections", "OrderedDict") + ")R(" + text("w") +
                              tensor(storage("FloatStorage", "0", 16), 0, int1(16), int1(1)) + "u}b.";
  std::ofstream(dir + "/ordered.pkl", std::ios::binary) << ordered;
  // The legacy format: magic, protocol 1001, sys_info {}, the state dict, the keys ["0"], storage "0".
  const std::string legacy = std::string("\x80\x02\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) +
                             proto() + "M\xe9\x03." + proto() + "}." +
                             dict(text("w") + tensor(storage("FloatStorage", "0", 2), 0, int1(2), int1(1))) +
                             proto() + "](" + text("0") + "e." + le(2, 8) + std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8);
  std::ofstream(dir + "/legacy.bin", std::ios::binary) << legacy;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const bool whole_file = bytes.rfind("PK", 0) == 0 || bytes.rfind(std::string("\x80\x02\x8a\x0a", 4), 0) == 0;
  if (!whole_file) bytes = as_checkpoint(bytes);
  try {
    read_every_tensor(TorchFile::from_bytes(std::move(bytes), "fuzz-input"));
  } catch (const Error&) {
  }
  return 0;
}
