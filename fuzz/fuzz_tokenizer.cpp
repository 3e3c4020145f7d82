// libFuzzer target: arbitrary bytes through the whole tokenizer. Must never crash, hang or
// trip a sanitizer; invalid UTF-8 must come back as a TokenizerError, nothing else.
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DBERTLAB_FUZZ=ON -DBERTLAB_TESTS=OFF
//   cmake --build build-fuzz -j2 --target fuzz_tokenizer
//   mkdir -p /tmp/tok-corpus && ./build-fuzz/fuzz/fuzz_tokenizer -write_seeds=/tmp/tok-corpus
//   ./build-fuzz/fuzz/fuzz_tokenizer -runs=1000000 /tmp/tok-corpus
// The first two bytes choose the options; the rest is the text, split into text and pair at
// the first 0x01 byte when there is one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz/tiny_tokenizer.h"       // defines: tiny_tokenizer
#include "fuzz/write_seeds.h"          // defines: write_seeds_if_asked
#include "tokenizer/error.h"           // defines: TokenizerError
#include "tokenizer/unicode.h"         // defines: decode_utf8

namespace {

using namespace bertlab::tokenizer;

EncodeOptions options_from(uint8_t a, uint8_t b) {
  EncodeOptions options;
  options.add_special_tokens = a & 1;
  switch ((a >> 1) % 5) {
    case 0: options.padding = false; break;
    case 1: options.padding = true; break;
    case 2: options.padding = Padding::longest; break;
    case 3: options.padding = Padding::max_length; break;
    default: options.padding = Padding::do_not_pad; break;
  }
  switch ((a >> 4) % 7) {
    case 0: break;  // not passed
    case 1: options.truncation = false; break;
    case 2: options.truncation = true; break;
    case 3: options.truncation = Truncation::only_first; break;
    case 4: options.truncation = Truncation::only_second; break;
    case 5: options.truncation = Truncation::longest_first; break;
    default: options.truncation = Truncation::do_not_truncate; break;
  }
  if (b & 0x80) options.max_length = b & 0x1f;  // 0..31, small enough to hit every corner
  return options;
}

void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: let the fuzzer report the input
}

// Every array has one entry per position, and every span lies inside its text.
void check_encoding(const Encoding& e, size_t text_chars, size_t pair_chars) {
  const size_t n = e.size();
  check(e.token_type_ids.size() == n && e.attention_mask.size() == n &&
        e.special_tokens_mask.size() == n && e.offset_mapping.size() == n);
  for (size_t i = 0; i < n; ++i) {
    const auto [start, end] = e.offset_mapping[i];
    const size_t limit = e.token_type_ids[i] == 1 ? pair_chars : std::max(text_chars, pair_chars);
    check(0 <= start && start <= end && static_cast<size_t>(end) <= limit);
  }
}

// Seeds: a pair truncated to 8 tokens, and a padded single text with an accent and a CJK char.
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/pair.txt", std::ios::binary) << "\x05\x88" << "unaffable a, b!\x01" << "[MASK] ab";
  std::ofstream(dir + "/single.txt", std::ios::binary) << "\x03\x00" << "Ab\u00e9 \u65e5e masks.";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const EncodeOptions options = options_from(data[0], data[1]);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t split = bytes.find('\x01');
  const std::string_view text = bytes.substr(0, split);
  try {
    const size_t text_chars = decode_utf8(text).size();
    const Encoding single = tiny_tokenizer()(text, options);
    check_encoding(single, text_chars, 0);
    tiny_tokenizer().decode(single.input_ids, data[1] & 1);
    if (split == std::string_view::npos) return 0;
    const std::string_view pair = bytes.substr(split + 1);
    const Encoding both = tiny_tokenizer()(text, pair, options);
    check_encoding(both, text_chars, decode_utf8(pair).size());
    tiny_tokenizer()(std::vector<std::string>{std::string(text), std::string(pair)}, options);
  } catch (const TokenizerError&) {
    // Expected for invalid UTF-8.
  }
  return 0;
}
