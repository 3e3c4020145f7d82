// Tests for tensor/torch_file.{h,cpp} (with torch_zip and torch_pickle): PyTorch .bin checkpoints
// made by tests/golden/make_torch_bin.py give the same numbers, bit for bit, as their safetensors
// twins; and every hostile file (built here from parts, tests/support/stored_zip.h) is refused
// with one line naming the file and what was refused.
#include "tensor/torch_file.h"  // defines: TorchFile

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "bert/checkpoint.h"         // defines: from_pretrained
#include "bert/for_masked_lm.h"      // defines: BertForMaskedLM
#include "tensor/error.h"            // defines: Error
#include "tensor/safetensors.h"      // defines: SafetensorsFile
#include "tests/support/all_close.h"   // defines: same_bits
#include "tests/support/stored_zip.h"  // defines: stored_zip, pickle::*, tiny_checkpoint_parts

namespace fs = std::filesystem;
using namespace bertlab;
using namespace bertlab::testing;
using Catch::Contains;

namespace {

// The repository's own fixtures (not in ../shared/fixtures, so not through fixture()).
const fs::path kTorchBin = fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "torch-bin";

// A checkpoint whose data.pkl is `pickle`, with the tiny checkpoint's storage "0" (2 floats).
std::string with_pickle(const std::string& pickle) {
  std::vector<ZipPart> parts = tiny_checkpoint_parts();
  parts[0].bytes = pickle;
  return stored_zip(parts).bytes;
}

// The refusal of `bytes`: one line, naming the file.
std::string refusal(const std::string& bytes) {
  try {
    TorchFile::from_bytes(bytes, "hostile.bin");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    CHECK_THAT(message, Contains("hostile.bin"));
    return message;
  }
  FAIL("accepted: " << bytes.size() << " bytes");
  return "";
}

// Writes `value` little-endian over bytes [at, at + size).
void overwrite(std::string& bytes, size_t at, uint64_t value, int size) {
  for (int i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

TEST_CASE("TorchFile: pytorch_model.bin holds the numbers of its model.safetensors twin, bit for bit", "[torch_file]") {
  const TorchFile bin = TorchFile::open(kTorchBin / "tiny-mlm" / "pytorch_model.bin");
  const SafetensorsFile safe = SafetensorsFile::open(kTorchBin / "tiny-mlm" / "model.safetensors");
  // The .bin also keeps the tied decoder (safetensors drops tensors that share memory): weight is the
  // word embeddings' storage, bias the output bias's.
  std::vector<std::string> names = safe.names();
  names.insert(names.end(), {"cls.predictions.decoder.bias", "cls.predictions.decoder.weight"});
  std::sort(names.begin(), names.end());
  CHECK(bin.names() == names);
  CHECK(bin.entry("cls.predictions.decoder.weight").storage_key ==
        bin.entry("bert.embeddings.word_embeddings.weight").storage_key);
  CHECK(bin.entry("cls.predictions.decoder.bias").storage_key == bin.entry("cls.predictions.bias").storage_key);
  for (const std::string& name : safe.names()) {
    CAPTURE(name);
    CHECK(bin.entry(name).dtype == "F32");
    CHECK(same_bits(bin.tensor(name), safe.tensor(name)));
  }
}

TEST_CASE("TorchFile: a state dict's tied weights share one storage", "[torch_file]") {
  // torch.save(model.state_dict()): an OrderedDict with _metadata (BUILD), decoder tied to the embeddings.
  const TorchFile bin = TorchFile::open(kTorchBin / "state_dict.bin");
  const SafetensorsFile safe = SafetensorsFile::open(kTorchBin / "tiny-mlm" / "model.safetensors");
  const std::string embeddings = "bert.embeddings.word_embeddings.weight", decoder = "cls.predictions.decoder.weight";
  CHECK(bin.entry(decoder).storage_key == bin.entry(embeddings).storage_key);
  CHECK(same_bits(bin.tensor(decoder), safe.tensor(embeddings)));
  CHECK(bin.tensor(decoder).data() == bin.tensor(embeddings).data());  // both view the same mapped bytes
  for (const std::string& name : safe.names()) CHECK(same_bits(bin.tensor(name), safe.tensor(name)));
}

TEST_CASE("TorchFile: every dtype, shared storages, offsets and strides match the safetensors twin", "[torch_file]") {
  const TorchFile bin = TorchFile::open(kTorchBin / "dtypes.bin");
  const SafetensorsFile safe = SafetensorsFile::open(kTorchBin / "dtypes.safetensors");
  CHECK(bin.names() == safe.names());
  for (const char* name : {"f32", "f16", "bf16", "base", "base.row1", "base.t", "scalar", "empty"}) {
    CAPTURE(name);
    CHECK(same_bits(bin.tensor(name), safe.tensor(name)));
  }
  // F64: safetensors' reader has no F64, so compare with its values as torch saved them (x.double()).
  CHECK(bin.tensor("f64").shape() == Shape{2, 2});
  for (const char* name : {"i64", "i32"}) {
    CAPTURE(name);
    CHECK(bin.int_tensor(name).data == safe.int_tensor(name).data);
    CHECK(bin.int_tensor(name).shape == safe.int_tensor(name).shape);
  }
  CHECK(bin.int_tensor("i64").data == std::vector<int64_t>{101, -7, int64_t(1) << 40});
  // The views: one storage, a row at offset 4, a transpose with stride (1, 4), copied to row-major.
  CHECK(bin.entry("base.row1").storage_key == bin.entry("base").storage_key);
  CHECK(bin.entry("base.row1").storage_offset == 4);
  CHECK(bin.entry("base.t").stride == Shape{1, 4});
  CHECK(bin.tensor("base.t").to_vector()[1 * 3 + 2] == bin.tensor("base").to_vector()[2 * 4 + 1]);  // t[1][2] = base[2][1]
  CHECK_THROWS_WITH(bin.tensor("i64"), Contains("cannot read dtype I64 as float32") && Contains("int_tensor()"));
  CHECK_THROWS_WITH(bin.int_tensor("f16"), Contains("cannot read dtype F16 as int64"));
}

TEST_CASE("TorchFile: the legacy format (PyTorch < 1.6) gives the same tensors as the zip format", "[torch_file]") {
  const TorchFile legacy = TorchFile::open(kTorchBin / "dtypes-legacy.bin");
  const TorchFile zip = TorchFile::open(kTorchBin / "dtypes.bin");
  REQUIRE(legacy.names() == zip.names());
  for (const std::string& name : zip.names()) {
    CAPTURE(name);
    const std::string& dtype = zip.entry(name).dtype;
    CHECK(legacy.entry(name).dtype == dtype);
    CHECK(legacy.entry(name).stride == zip.entry(name).stride);
    if (dtype == "I64" || dtype == "I32") CHECK(legacy.int_tensor(name).data == zip.int_tensor(name).data);
    else CHECK(same_bits(legacy.tensor(name), zip.tensor(name)));
  }
  CHECK(legacy.entry("base.t").storage_key == legacy.entry("base").storage_key);
}

TEST_CASE("from_pretrained: a folder with only pytorch_model.bin loads the same model as model.safetensors", "[torch_file]") {
  const fs::path dir = fs::temp_directory_path() / ("bertlab_torch_bin_" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* file : {"config.json", "pytorch_model.bin"}) fs::copy_file(kTorchBin / "tiny-mlm" / file, dir / file, fs::copy_options::overwrite_existing);
  const auto from_bin = bert::from_pretrained<bert::BertForMaskedLM>(dir.string());
  const auto from_safe = bert::from_pretrained<bert::BertForMaskedLM>((kTorchBin / "tiny-mlm").string());
  const auto a = from_bin->named_parameters(), b = from_safe->named_parameters();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(a[i].first);
    CHECK(same_bits(a[i].second, b[i].second));
  }
  const IntTensor ids({2, 5, 7, 3}, {1, 4});
  CHECK(same_bits(from_bin->forward(ids).logits, from_safe->forward(ids).logits));
  // Both files there: safetensors wins (a broken .bin beside it is never read).
  fs::copy_file(kTorchBin / "tiny-mlm" / "model.safetensors", dir / "model.safetensors");
  std::ofstream(dir / "pytorch_model.bin", std::ios::trunc) << "not a checkpoint";
  CHECK_NOTHROW(bert::from_pretrained<bert::BertForMaskedLM>(dir.string()));
  fs::remove(dir / "model.safetensors");
  CHECK_THROWS_WITH(bert::from_pretrained<bert::BertForMaskedLM>(dir.string()),
                    Contains("pytorch_model.bin") && Contains("not a PyTorch checkpoint"));
  fs::remove(dir / "pytorch_model.bin");
  CHECK_THROWS_WITH(bert::from_pretrained<bert::BertForMaskedLM>(dir.string()),
                    Contains("no model.safetensors or pytorch_model.bin"));
  fs::remove_all(dir);
}

TEST_CASE("TorchFile: the test's own tiny checkpoint loads (the base of the hostile cases)", "[torch_file]") {
  const TorchFile file = TorchFile::from_bytes(stored_zip(tiny_checkpoint_parts()).bytes, "tiny.bin");
  CHECK(file.tensor("w").to_vector() == std::vector<float>{1, 2});
}

TEST_CASE("TorchFile: hostile pickles are refused, naming the file and what was refused", "[torch_file]") {
  using namespace pickle;
  const std::string w = text("w");
  const std::string good_tensor = tensor(storage("FloatStorage", "0", 2), 0, int1(2), int1(1));
  // Code: GLOBAL of a function that runs things, by GLOBAL or STACK_GLOBAL.
  CHECK_THAT(refusal(with_pickle(proto() + global("os", "system") + tuple(text("echo pwned")) + "R.")),
             Contains("GLOBAL os.system is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + global("builtins", "eval") + tuple(text("1")) + "R.")),
             Contains("GLOBAL builtins.eval is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + global("subprocess", "Popen") + "R.")),
             Contains("GLOBAL subprocess.Popen is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + text("os") + text("system") + "\x93" ")R.")),
             Contains("GLOBAL os.system is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + global("transformers.models.bert.modeling_bert", "BertModel") + ")R.")),
             Contains("GLOBAL transformers.models.bert.modeling_bert.BertModel") && Contains("state_dict()"));
  // REDUCE of something that is not one of the three callables.
  CHECK_THAT(refusal(with_pickle(proto() + global("torch", "FloatStorage") + ")R.")),
             Contains("REDUCE of torch.FloatStorage is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + text("os.system") + ")R.")), Contains("REDUCE of a string is not allowed"));
  // BUILD on anything but a dict; INST, OBJ, NEWOBJ, PERSID and protocol 0's text opcodes.
  CHECK_THAT(refusal(with_pickle(dict(w + good_tensor + "}b"))), Contains("BUILD on a tensor is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + "(ios\nsystem\n.")), Contains("opcode INST is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + "(o.")), Contains("opcode OBJ is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + ")\x81.")), Contains("opcode NEWOBJ is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + "P0\n.")), Contains("opcode PERSID is not allowed"));
  CHECK_THAT(refusal(with_pickle(proto() + "S'x'\n.")), Contains("opcode STRING is not allowed"));
  // Deep nesting is no recursion: 100000 lists in lists, or 100000 MARKs, are just not a state dict.
  CHECK_THAT(refusal(with_pickle(proto() + std::string(100000, ']') + std::string(99999, 'a') + ".")),
             Contains("holds a list, expected a state dict"));
  CHECK_THAT(refusal(with_pickle(proto() + std::string(100000, '(') + "}.")), Contains("100000 MARKs"));
  // Huge declared sizes: a string of 4 GB, a storage of 2^62 floats, a tensor of 2^80 elements.
  CHECK_THAT(refusal(with_pickle(proto() + "X" + le(0xFFFFFFF0, 4) + "abc")),
             Contains("truncated pickle: BINUNICODE needs 4294967280 more bytes"));
  const std::string huge_storage = tuple(text("storage") + global("torch", "FloatStorage") + text("0") + text("cpu") +
                                         "\x8a\x08" + le(uint64_t(1) << 62, 8)) + "Q";
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(huge_storage, 0, int1(2), int1(1))))),
             Contains("more than 2^63 bytes"));
  const std::string huge_size = "\x8a\x08" + le(uint64_t(1) << 40, 8) + "\x8a\x08" + le(uint64_t(1) << 40, 8);
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("FloatStorage", "0", 2), 0, huge_size, int1(1) + int1(1))))),
             Contains("more than 2^63 elements"));
  // A tensor that reads past its storage, by size, offset or stride.
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("FloatStorage", "0", 2), 0, int1(3), int1(1))))),
             Contains("reads past its storage '0' of 2 elements"));
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("FloatStorage", "0", 2), 1, int1(2), int1(1))))),
             Contains("reads past its storage"));
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("FloatStorage", "0", 2), 0, int1(2), int1(9))))),
             Contains("reads past its storage"));
  // The storage's entry: missing, or shorter than numel × element size.
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("FloatStorage", "7", 2), 0, int1(2), int1(1))))),
             Contains("storage '7' has no entry archive/data/7"));
  CHECK_THAT(refusal(with_pickle(dict(w + tensor(storage("DoubleStorage", "0", 2), 0, int1(2), int1(1))))),
             Contains("needs 16 bytes, the entry archive/data/0 has 8"));
  // A pickle cut short, or without STOP; a value that is not a tensor.
  const std::string good = dict(w + good_tensor);
  CHECK_THAT(refusal(with_pickle(good.substr(0, 40))), Contains("truncated pickle"));
  CHECK_THAT(refusal(with_pickle(good.substr(0, good.size() - 1))), Contains("truncated pickle: an opcode"));
  CHECK_THAT(refusal(with_pickle(dict(w + text("not a tensor")))), Contains("'w' holds a string, expected a tensor"));
}

TEST_CASE("TorchFile: hostile zip archives are refused, naming the file and the entry", "[torch_file]") {
  const StoredZip good = stored_zip(tiny_checkpoint_parts());
  // An entry's local header offset, and the central directory's offset, far past the file.
  std::string bytes = good.bytes;
  overwrite(bytes, good.central[1] + 42, 0xFFFFFF00, 4);
  CHECK_THAT(refusal(bytes), Contains("entry 'archive/data/0'") && Contains("past the central directory"));
  bytes = good.bytes;
  overwrite(bytes, good.end + 16, 0x7FFFFFF0, 4);
  CHECK_THAT(refusal(bytes), Contains("out of range") || Contains("overlaps the end record"));
  // Zip-bomb-ish sizes: an entry claiming 4 GB, a compressed (deflate) entry, 65535 entries.
  bytes = good.bytes;
  overwrite(bytes, good.central[1] + 20, 0xFFFFFFF0, 4), overwrite(bytes, good.central[1] + 24, 0xFFFFFFF0, 4);
  CHECK_THAT(refusal(bytes), Contains("entry 'archive/data/0'") && Contains("4294967280"));
  bytes = good.bytes;
  overwrite(bytes, good.central[1] + 10, 8, 2);
  CHECK_THAT(refusal(bytes), Contains("expected a stored (uncompressed) entry") && Contains("method 8"));
  bytes = good.bytes;
  overwrite(bytes, good.end + 10, 0xFFFE, 2);
  CHECK_THAT(refusal(bytes), Contains("65534 entries cannot fit"));
  // Names that leave the archive's folder, or repeat.
  for (const std::string name : {"archive/../../etc/passwd", "/archive/data.pkl", "archive/./x", "other/data/1",
                                 "archive\\..\\x"}) {
    std::vector<ZipPart> parts = tiny_checkpoint_parts();
    parts.push_back({name, "x"});
    CHECK_THAT(refusal(stored_zip(parts).bytes), Contains("outside the archive's folder 'archive/'"));
  }
  std::vector<ZipPart> parts = tiny_checkpoint_parts();
  parts.push_back(parts[1]);
  CHECK_THAT(refusal(stored_zip(parts).bytes), Contains("entry 'archive/data/0' appears twice"));
  // Not a zip, cut short, a legacy (PyTorch < 1.6) file, no data.pkl.
  CHECK_THAT(refusal("{\"not\": \"a zip\"}"), Contains("not a PyTorch checkpoint"));
  CHECK_THAT(refusal(good.bytes.substr(0, good.bytes.size() / 2)), Contains("no end-of-central-directory record"));
  // A legacy file cut after its magic number, or inside its last storage; or with bytes after it.
  CHECK_THAT(refusal(std::string("\x80\x02\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15)),
             Contains("(legacy format): the protocol version") && Contains("truncated pickle"));
  std::ifstream in(kTorchBin / "dtypes-legacy.bin", std::ios::binary);
  const std::string legacy((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(refusal(legacy.substr(0, legacy.size() - 3)), Contains("(legacy format)") && Contains("bytes left"));
  CHECK_THAT(refusal(legacy + "tail"), Contains("4 bytes after the last storage belong to nothing"));
  parts = tiny_checkpoint_parts();
  parts[0].name = "archive/other.pkl";
  CHECK_THAT(refusal(stored_zip(parts).bytes), Contains("no archive/data.pkl"));
}
