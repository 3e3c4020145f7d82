// Tests for tensor/safetensors.{h,cpp}: round trips through the writer, the F16/BF16 and I32
// conversions against hand-computed values, the real fixtures, and one test per malformed file.
#include "tensor/safetensors.h"  // defines: SafetensorsFile, SafetensorsWriter

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>

#include "tensor/error.h"            // defines: Error (and brings in fmt)
#include "tensor/half.h"             // defines: f16_to_f32, f32_to_f16
#include "tests/support/fixtures.h"  // defines: fixture

namespace fs = std::filesystem;
using namespace bertlab;
using Catch::Contains;

namespace {

// A whole safetensors file in memory: the 8-byte little-endian header length, the header, the data.
std::string file_bytes(const std::string& header, const std::string& data = "") {
  std::string length(8, '\0');
  const uint64_t n = header.size();
  std::memcpy(length.data(), &n, 8);  // x86 and ARM are little-endian, as the format wants
  return length + header + data;
}

// The raw bytes of some numbers, as they sit in a file's data section.
template <typename T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// A file path of our own under the system temp folder (ctest may run test cases in parallel).
fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("bertlab-test-" + std::to_string(::getpid()) + "-" + name);
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// ---- Writing, then reading back -------------------------------------------------------------

TEST_CASE("SafetensorsWriter: the header comment's example, byte for byte", "[safetensors]") {
  const fs::path path = temp_file("bias.safetensors");
  SafetensorsWriter writer;
  writer.add("bias", Tensor::from_vector({1, 2}, {2}));
  writer.save(path);
  // 57 characters of JSON + 7 spaces = 64 = 0x40, then 1.0f and 2.0f little-endian.
  const std::string header = R"({"bias":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}})";
  CHECK(read_all(path) == file_bytes(header + std::string(7, ' '), raw<float>({1.0f, 2.0f})));
  CHECK_FALSE(fs::exists(path.string() + ".tmp"));  // renamed away
  fs::remove(path);
}

TEST_CASE("SafetensorsWriter: floats, ids, scalars, empty tensors and metadata round-trip", "[safetensors]") {
  const fs::path path = temp_file("round-trip.safetensors");
  SafetensorsWriter writer;
  writer.add("w", Tensor::from_vector({1.5f, -2, 0, 1e-30f, 3e38f, -0.0f}, {2, 3}));
  writer.add("loss", Tensor::scalar(0.25f));  // shape []: one number
  writer.add("nothing", Tensor::empty({0, 3}));  // no bytes, but the shape survives
  writer.add("ids", IntTensor({101, -100, int64_t(1) << 40, 0}, {2, 2}));
  writer.metadata["format"] = "pt";
  writer.metadata["seed"] = "42";
  writer.save(path);

  const SafetensorsFile file = SafetensorsFile::open(path);
  CHECK(file.names() == std::vector<std::string>{"ids", "loss", "nothing", "w"});  // sorted
  CHECK(file.metadata() == std::map<std::string, std::string>{{"format", "pt"}, {"seed", "42"}});
  CHECK(file.entry("w").dtype == "F32");
  CHECK(file.entry("ids").dtype == "I64");
  // The data section follows name order: ids (32 bytes), loss (4), nothing (0), w (24).
  CHECK(file.entry("loss").begin == 32);
  CHECK(file.entry("w").end == 32 + 4 + 24);

  const Tensor w = file.tensor("w");
  CHECK(w.shape() == Shape{2, 3});
  CHECK(w.to_vector() == std::vector<float>{1.5f, -2, 0, 1e-30f, 3e38f, -0.0f});
  CHECK(std::signbit(w.to_vector()[5]));
  CHECK(file.tensor("loss").shape() == Shape{});
  CHECK(file.tensor("loss").item() == 0.25f);
  CHECK(file.tensor("nothing").shape() == Shape{0, 3});
  const IntTensor ids = file.int_tensor("ids");
  CHECK(ids.shape == Shape{2, 2});
  CHECK(ids.data == std::vector<int64_t>{101, -100, int64_t(1) << 40, 0});
  fs::remove(path);
}

TEST_CASE("SafetensorsWriter: save replaces an existing file", "[safetensors]") {
  const fs::path path = temp_file("replace.safetensors");
  for (float value : {1.0f, 2.0f}) {
    SafetensorsWriter writer;
    writer.add("x", Tensor::scalar(value));
    writer.save(path);
  }
  CHECK(SafetensorsFile::open(path).tensor("x").item() == 2.0f);
  fs::remove(path);
}

TEST_CASE("SafetensorsWriter: rejects reused names and unwritable paths", "[safetensors]") {
  SafetensorsWriter writer;
  writer.add("x", Tensor::scalar(1));
  REQUIRE_THROWS_WITH(writer.add("x", Tensor::scalar(2)), Contains("tensor 'x' added twice"));
  REQUIRE_THROWS_WITH(writer.add("__metadata__", Tensor::scalar(2)), Contains("reserved"));
  REQUIRE_THROWS_WITH(writer.save("/nonexistent-dir/out.safetensors"),
                      Contains("/nonexistent-dir/out.safetensors") && Contains("cannot write"));
}

TEST_CASE("f32_to_f16: every half comes back as itself, a value between two halfs goes to the nearer, ties to even",
          "[safetensors]") {
  int64_t not_itself = 0;
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    const bool nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
    const uint16_t back = f32_to_f16(f16_to_f32(static_cast<uint16_t>(h)));
    if (nan ? (back & 0x7C00) != 0x7C00 || (back & 0x3FF) == 0 : back != h) ++not_itself;
  }
  CHECK(not_itself == 0);
  // Neighbours a < b (0x7BFF is the largest finite half): their midpoint is exact in float32.
  int64_t wrong = 0;
  for (uint16_t h = 0; h < 0x7BFF; ++h) {
    const float a = f16_to_f32(h), b = f16_to_f32(h + 1), mid = (a + b) / 2;
    const uint16_t even = (h % 2 == 0) ? h : h + 1;
    for (const float sign : {1.0f, -1.0f}) {
      const uint16_t s = sign < 0 ? 0x8000 : 0;
      wrong += f32_to_f16(sign * mid) != (s | even);
      wrong += f32_to_f16(sign * std::nextafter(mid, 0.0f)) != (s | h);
      wrong += f32_to_f16(sign * std::nextafter(mid, INFINITY)) != (s | (h + 1));
    }
  }
  CHECK(wrong == 0);
  CHECK(f32_to_f16(std::nextafter(65520.0f, 0.0f)) == 0x7BFF);  // just under 65504 + half a step
  CHECK(f32_to_f16(65520.0f) == 0x7C00);                          // the tie rounds to "even": infinity
  CHECK(f32_to_f16(-1e10f) == 0xFC00);
  CHECK(f32_to_f16(std::ldexp(1.0f, -25)) == 0x0000);  // halfway between 0 and the smallest subnormal
  CHECK(f32_to_f16(-1e-30f) == 0x8000);                 // -0 keeps its sign
}

TEST_CASE("SafetensorsWriter: F16 stores each float rounded to a half, in half the bytes", "[safetensors]") {
  const fs::path path = temp_file("f16.safetensors");
  SafetensorsWriter writer;
  // 1 + 2^-11 is halfway between the halfs 1 and 1 + 2^-10: to even, 1. 70000 is past 65504: inf.
  writer.add("w", Tensor::from_vector({1.0f, 1.0f + std::ldexp(1.0f, -11), 1.0f / 3, 70000.0f, -0.0f}, {5}), "F16");
  REQUIRE_THROWS_WITH(writer.add("b", Tensor::scalar(1), "BF16"), Contains("tensor 'b'") && Contains("BF16"));
  writer.save(path);
  const SafetensorsFile file = SafetensorsFile::open(path);
  CHECK(file.entry("w").dtype == "F16");
  CHECK(file.entry("w").end - file.entry("w").begin == 10);
  const std::vector<float> got = file.tensor("w").to_vector();
  CHECK(got == std::vector<float>{1.0f, 1.0f, 0.333251953125f, INFINITY, 0.0f});  // 0x3555 is 1/3's nearest half
  CHECK(std::signbit(got[4]));
  fs::remove(path);
}

// ---- Reading what we did not write -----------------------------------------------------------

TEST_CASE("SafetensorsFile: F16 converts to float32 exactly", "[safetensors]") {
  // half = sign | 5 exponent bits (bias 15) | 10 mantissa bits
  const std::vector<std::pair<uint16_t, float>> cases = {
      {0x3C00, 1.0f},                      // 0 01111 0000000000 = 2^0
      {0xC000, -2.0f},                     // 1 10000 0000000000 = -2^1
      {0x3555, 0.333251953125f},           // 0 01101 0101010101 = (1 + 341/1024) / 4
      {0x7BFF, 65504.0f},                  // largest half: (2 - 2^-10) * 2^15
      {0x0400, std::ldexp(1.0f, -14)},     // smallest normal
      {0x03FF, std::ldexp(1023.0f, -24)},  // largest subnormal: 1023 * 2^-24
      {0x0001, std::ldexp(1.0f, -24)},     // smallest subnormal
      {0x0000, 0.0f},
      {0x7C00, INFINITY},
      {0xFC00, -INFINITY},
  };
  std::vector<uint16_t> halfs;
  for (const auto& [bits, value] : cases) halfs.push_back(bits);
  halfs.push_back(0x8000);  // -0
  halfs.push_back(0x7E00);  // NaN: exponent all ones, mantissa not zero
  const std::string header = fmt::format(R"({{"h":{{"dtype":"F16","shape":[{}],"data_offsets":[0,{}]}}}})",
                                         halfs.size(), 2 * halfs.size());
  const std::vector<float> got =
      SafetensorsFile::from_bytes(file_bytes(header, raw(halfs)), "f16.safetensors").tensor("h").to_vector();
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i, cases[i].first);
    CHECK(got[i] == cases[i].second);
  }
  CHECK((got[cases.size()] == 0.0f && std::signbit(got[cases.size()])));
  CHECK(std::isnan(got[cases.size() + 1]));
}

TEST_CASE("SafetensorsFile: BF16 converts to float32 exactly", "[safetensors]") {
  // bfloat16 = the top 16 bits of a float32: sign | 8 exponent bits (bias 127) | 7 mantissa bits
  const std::vector<uint16_t> bits = {0x3F80, 0xC040, 0x4049, 0x0001, 0x7F80, 0xFF80, 0x8000, 0x7FC0};
  const std::string header = R"({"b":{"dtype":"BF16","shape":[2,4],"data_offsets":[0,16]}})";
  const Tensor b = SafetensorsFile::from_bytes(file_bytes(header, raw(bits)), "bf16.safetensors").tensor("b");
  CHECK(b.shape() == Shape{2, 4});
  const std::vector<float> got = b.to_vector();
  CHECK(got[0] == 1.0f);                    // 0x3F80 -> 0x3F800000
  CHECK(got[1] == -3.0f);                   // 1 10000000 1000000 = -(1 + 1/2) * 2
  CHECK(got[2] == 3.140625f);               // 0 10000000 1001001 = (1 + 73/128) * 2
  CHECK(got[3] == std::ldexp(1.0f, -133));  // smallest subnormal: 2^-126 * 2^-7
  CHECK(got[4] == INFINITY);
  CHECK(got[5] == -INFINITY);
  CHECK((got[6] == 0.0f && std::signbit(got[6])));
  CHECK(std::isnan(got[7]));
}

TEST_CASE("SafetensorsFile: I32 widens to int64 ids", "[safetensors]") {
  const std::vector<int32_t> values = {-1, 2147483647, -2147483647 - 1};
  const std::string header = R"({"i":{"dtype":"I32","shape":[3],"data_offsets":[0,12]}})";
  const IntTensor ids = SafetensorsFile::from_bytes(file_bytes(header, raw(values)), "i32.safetensors").int_tensor("i");
  CHECK(ids.data == std::vector<int64_t>{-1, 2147483647, -2147483648LL});
}

TEST_CASE("SafetensorsFile: aligned F32 shares the file's memory, unaligned F32 is copied", "[safetensors]") {
  const std::vector<float> values = {1, 2, 3};
  const std::string entry = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";  // 55 characters
  SECTION("aligned: 8 + 56 bytes before the data") {
    const auto file = SafetensorsFile::from_bytes(file_bytes(entry + " ", raw(values)), "aligned.safetensors");
    const Tensor a = file.tensor("x"), b = file.tensor("x");
    CHECK(a.data() == b.data());  // two handles, one block of numbers
    CHECK(a.to_vector() == values);
  }
  SECTION("unaligned: 8 + 55 bytes before the data") {
    const auto file = SafetensorsFile::from_bytes(file_bytes(entry, raw(values)), "unaligned.safetensors");
    const Tensor a = file.tensor("x"), b = file.tensor("x");
    CHECK(a.data() != b.data());  // each call copies
    CHECK(a.to_vector() == values);
  }
}

TEST_CASE("SafetensorsFile: mapped tensors outlive the file object and never write to disk", "[safetensors]") {
  const fs::path path = temp_file("mapped.safetensors");
  SafetensorsWriter writer;
  writer.add("x", Tensor::from_vector({1, 2, 3}, {3}));
  writer.save(path);
  Tensor x;
  {
    x = SafetensorsFile::open(path).tensor("x");  // the SafetensorsFile is gone after this line
  }
  CHECK(x.to_vector() == std::vector<float>{1, 2, 3});  // the mapping is kept alive by x
  x.data()[0] = 100;  // private mapping: this process gets its own copy of the page
  CHECK(SafetensorsFile::open(path).tensor("x").to_vector() == std::vector<float>{1, 2, 3});
  fs::remove(path);
}

// ---- The fixtures ------------------------------------------------------------------------------

namespace {

// tiny-bert's config: hidden 32, intermediate 64, 2 layers, vocab V (config.json), 64 positions, 2 token types.
std::map<std::string, Shape> tiny_bert_shapes(int64_t V) {
  const int64_t H = 32, I = 64, P = 64, T = 2;
  std::map<std::string, Shape> shapes = {
      {"bert.embeddings.word_embeddings.weight", {V, H}},
      {"bert.embeddings.position_embeddings.weight", {P, H}},
      {"bert.embeddings.token_type_embeddings.weight", {T, H}},
      {"bert.embeddings.LayerNorm.weight", {H}},
      {"bert.embeddings.LayerNorm.bias", {H}},
      {"bert.pooler.dense.weight", {H, H}},
      {"bert.pooler.dense.bias", {H}},
      {"cls.predictions.bias", {V}},  // the decoder's bias; its weight is tied to word_embeddings
      {"cls.predictions.transform.dense.weight", {H, H}},
      {"cls.predictions.transform.dense.bias", {H}},
      {"cls.predictions.transform.LayerNorm.weight", {H}},
      {"cls.predictions.transform.LayerNorm.bias", {H}},
      {"cls.seq_relationship.weight", {2, H}},  // the NSP head: stored, never used
      {"cls.seq_relationship.bias", {2}},
  };
  for (int layer = 0; layer < 2; ++layer) {
    const std::string p = fmt::format("bert.encoder.layer.{}.", layer);
    for (const char* linear : {"attention.self.query", "attention.self.key", "attention.self.value",
                               "attention.output.dense"}) {
      shapes[p + linear + ".weight"] = {H, H};  // nn.Linear stores [out, in]
      shapes[p + linear + ".bias"] = {H};
    }
    shapes[p + "intermediate.dense.weight"] = {I, H};
    shapes[p + "intermediate.dense.bias"] = {I};
    shapes[p + "output.dense.weight"] = {H, I};
    shapes[p + "output.dense.bias"] = {H};
    for (const char* norm : {"attention.output.LayerNorm", "output.LayerNorm"}) {
      shapes[p + norm + ".weight"] = {H};
      shapes[p + norm + ".bias"] = {H};
    }
  }
  return shapes;
}

}  // namespace

TEST_CASE("SafetensorsFile: tiny-bert model.safetensors has every BERT tensor", "[safetensors][golden]") {
  const auto path = testing::fixture("models/tiny-bert/model.safetensors");
  if (!path) return;
  const SafetensorsFile file = SafetensorsFile::open(*path);
  const std::map<std::string, Shape> expected = tiny_bert_shapes(testing::fixture_vocab_size(path->parent_path()));
  REQUIRE(expected.size() == 14 + 2 * 16);
  CHECK(file.names().size() == expected.size());
  for (const auto& [name, shape] : expected) {
    CAPTURE(name);
    REQUIRE(file.contains(name));
    CHECK(file.entry(name).dtype == "F32");
    CHECK(file.tensor(name).shape() == shape);
  }
  CHECK(file.metadata() == std::map<std::string, std::string>{{"format", "pt"}});
  // The fixture README says every LayerNorm weight was drawn from U(0.5, 1.5): garbage bytes
  // (a wrong offset, a wrong byte order) would not stay inside that range.
  for (const float w : file.tensor("bert.encoder.layer.1.output.LayerNorm.weight").to_vector())
    CHECK((w >= 0.5f && w <= 1.5f));
}

TEST_CASE("SafetensorsFile: tiny-bert golden.safetensors holds the I64 inputs", "[safetensors][golden]") {
  const auto path = testing::fixture("models/tiny-bert/golden.safetensors");
  if (!path) return;
  const SafetensorsFile file = SafetensorsFile::open(*path);
  CHECK(file.names().size() == 148);  // counted from the fixture README's table
  CHECK(file.metadata().at("generator") == "make_fixtures.py");
  for (const char* name : {"input_ids", "attention_mask", "token_type_ids", "mlm_labels"}) {
    CAPTURE(name);
    CHECK(file.entry(name).dtype == "I64");
    CHECK(file.int_tensor(name).shape == Shape{3, 12});
  }
  // Sequence 0: "[CLS] this is a [MASK] sentence [SEP]" and 5 × [PAD], in the folder's vocab.txt.
  const std::vector<std::string> vocab = testing::fixture_vocab(path->parent_path());
  const std::vector<int64_t> ids = file.int_tensor("input_ids").data;
  std::vector<std::string> row0;
  for (int i = 0; i < 12; ++i) row0.push_back(vocab.at(ids[i]));
  CHECK(row0 == std::vector<std::string>{"[CLS]", "this", "is", "a", "[MASK]", "sentence", "[SEP]", "[PAD]", "[PAD]",
                                         "[PAD]", "[PAD]", "[PAD]"});
  CHECK(vocab.at(file.int_tensor("mlm_labels").data[4]) == "test");
  CHECK(file.tensor("mlm_loss").shape() == Shape{});
  CHECK(file.tensor("mlm_logits").shape() == Shape{3, 12, static_cast<int64_t>(vocab.size())});
}

TEST_CASE("SafetensorsFile: every fixture checkpoint opens and every tensor reads", "[safetensors][golden]") {
  const auto root = testing::fixture("models");
  if (!root) return;
  int files = 0;
  for (const auto& item : fs::recursive_directory_iterator(*root)) {
    if (item.path().extension() != ".safetensors") continue;
    CAPTURE(item.path().string());
    const SafetensorsFile file = SafetensorsFile::open(item.path());
    for (const std::string& name : file.names()) {
      const bool ids = file.entry(name).dtype == "I64";
      CHECK((ids ? file.int_tensor(name).shape : file.tensor(name).shape()) == file.entry(name).shape);
    }
    ++files;
  }
  CHECK(files >= 7);  // tiny-bert, tiny-bert-heads/{qa,seq-cls}: model + golden each; the LoRA adapter
}

// ---- Malformed files: a clear error naming the file (and the tensor), never a crash -----------

TEST_CASE("SafetensorsFile: rejects malformed files with a message naming file and tensor", "[safetensors]") {
  struct Case {
    const char* what;
    std::string bytes;
    std::vector<std::string> message_parts;
  };
  const std::string eight(8, '\0');
  std::string huge_length(8, '\xFF');  // header length 2^64 - 1
  const std::vector<Case> cases = {
      {"shorter than 8 bytes", "abc", {"file too short", "got 3"}},
      {"header length past the end", file_bytes("{}").substr(0, 9), {"header length past the end"}},
      {"absurd header length", huge_length + "{}", {"header length past the end"}},
      {"header not JSON", file_bytes("{nope"), {"not valid JSON"}},
      {"header not an object", file_bytes("[1, 2]"), {"must be a JSON object"}},
      {"entry not an object", file_bytes(R"({"a": 5})"), {"tensor 'a'", "expected an object"}},
      {"dtype missing", file_bytes(R"({"a": {"shape": [2], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "\"dtype\" must be a string"}},
      {"dtype not a string", file_bytes(R"({"a": {"dtype": 4, "shape": [2], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "\"dtype\" must be a string"}},
      {"unknown dtype", file_bytes(R"({"a": {"dtype": "F33", "shape": [2], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "unknown dtype \"F33\""}},
      {"shape missing", file_bytes(R"({"a": {"dtype": "F32", "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "\"shape\" must be an array of non-negative integers, got nothing"}},
      {"shape not an array", file_bytes(R"({"a": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "\"shape\" must be an array"}},
      {"negative shape entry", file_bytes(R"({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "non-negative integers, got [-2]"}},
      {"fractional shape entry",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "\"shape\" must be an array of non-negative integers"}},
      {"data_offsets missing", file_bytes(R"({"a": {"dtype": "F32", "shape": [2]}})", eight),
       {"tensor 'a'", "\"data_offsets\" must be an array"}},
      {"data_offsets of 3 numbers",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}})", eight),
       {"tensor 'a'", "must be [begin, end], got [0, 4, 8]"}},
      {"data_offsets begin > end",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}})", eight),
       {"tensor 'a'", "data_offsets out of range", "got [8, 0]"}},
      {"data_offsets past the data",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 400]}})", eight),
       {"tensor 'a'", "data_offsets out of range", "<= 8 (the data size)"}},
      {"shape × dtype size ≠ bytes",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "expected 12 bytes for F32 [3], got 8 bytes"}},
      {"numel × dtype size overflows",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}})", eight),
       {"tensor 'a'", "expected more than 2^63 bytes"}},
      {"overlapping tensors",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                  std::string(12, '\0')),
       {"tensor 'b' overlaps tensor 'a'"}},
      {"a hole between tensors",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                      "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
                  std::string(12, '\0')),
       {"bytes [4, 8) before tensor 'b' belong to no tensor"}},
      {"bytes after the last tensor",
       file_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", eight),
       {"the last 4 bytes of the file belong to no tensor"}},
      {"__metadata__ not an object", file_bytes(R"({"__metadata__": ["pt"]})"), {"__metadata__ must be an object"}},
      {"__metadata__ value not a string", file_bytes(R"({"__metadata__": {"format": 1}})"),
       {"__metadata__ 'format' must be a string, got 1"}},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.what) {
      CAPTURE(c.bytes);
      try {
        SafetensorsFile::from_bytes(c.bytes, "bad.safetensors");
        FAIL("no error thrown");
      } catch (const Error& e) {
        CAPTURE(e.what());
        CHECK_THAT(e.what(), Contains("safetensors 'bad.safetensors'"));
        for (const std::string& part : c.message_parts) CHECK_THAT(e.what(), Contains(part));
      }
    }
  }
}

TEST_CASE("SafetensorsFile: a deeply nested or huge header value is a short error, not a crash", "[safetensors]") {
  // 100000 nested arrays: dumping the entry for the error message overflowed the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK_THROWS_WITH(SafetensorsFile::from_bytes(file_bytes("{\"a\": " + deep + "}"), "deep.safetensors"),
                    Contains("safetensors 'deep.safetensors'") && Contains("nested deeper than 256 levels"));
  // A 100000-character dtype is quoted as ~80 bytes.
  const std::string header = "{\"a\": {\"dtype\": 5, \"shape\": [\"" + std::string(100000, 'x') + "\"]}}";
  try {
    SafetensorsFile::from_bytes(file_bytes(header), "long.safetensors");
    FAIL("no error thrown");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Contains("tensor 'a'") && Contains("xxx..."));
    CHECK(std::string(e.what()).size() < 400);
  }
}

TEST_CASE("SafetensorsFile: asking for the wrong tensor or dtype says which and why", "[safetensors]") {
  const std::string header = R"({"f64": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]},
                                 "ids": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]},
                                 "x": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}})";
  const auto file = SafetensorsFile::from_bytes(file_bytes(header, std::string(24, '\0')), "ok.safetensors");
  CHECK(file.names() == std::vector<std::string>{"f64", "ids", "x"});
  CHECK(file.entry("f64").shape == Shape{1});  // listed, even though it cannot become a Tensor
  REQUIRE_THROWS_WITH(file.entry("y"), Contains("'ok.safetensors'") && Contains("no tensor named 'y'"));
  REQUIRE_THROWS_WITH(file.tensor("f64"), Contains("tensor 'f64'") && Contains("cannot read dtype F64 as float32"));
  REQUIRE_THROWS_WITH(file.tensor("ids"), Contains("tensor 'ids'") && Contains("Hint: int_tensor()"));
  REQUIRE_THROWS_WITH(file.int_tensor("x"), Contains("tensor 'x'") && Contains("Hint: tensor() reads floats"));
}

TEST_CASE("SafetensorsFile: open reports missing and empty files by name", "[safetensors]") {
  REQUIRE_THROWS_WITH(SafetensorsFile::open("/nonexistent/model.safetensors"),
                      Contains("'/nonexistent/model.safetensors'") && Contains("cannot open"));
  const fs::path empty = temp_file("empty.safetensors");
  std::ofstream(empty).close();
  REQUIRE_THROWS_WITH(SafetensorsFile::open(empty), Contains(empty.string()) && Contains("file too short"));
  fs::remove(empty);
}

TEST_CASE("SafetensorsFile: open refuses a FIFO or a folder instead of waiting on it", "[safetensors]") {
  const fs::path folder = temp_file("folder.safetensors"), fifo = temp_file("fifo.safetensors");
  fs::create_directory(folder);
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(SafetensorsFile::open(folder), Contains(folder.string()) && Contains("not a regular file"));
  // Opening a FIFO for reading waits for a writer: a reader that waits is freed after 5 s by
  // opening the other end, so that a regression fails this test instead of hanging it.
  auto opened = std::async(std::launch::async, [&]() -> std::string {
    try {
      SafetensorsFile::open(fifo);
      return "opened";
    } catch (const Error& e) {
      return e.what();
    }
  });
  if (opened.wait_for(std::chrono::seconds(5)) == std::future_status::timeout)
    ::close(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK));
  CHECK_THAT(opened.get(), Contains(fifo.string()) && Contains("not a regular file"));
  fs::remove(folder), fs::remove(fifo);
}
