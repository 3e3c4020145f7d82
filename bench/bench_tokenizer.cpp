// Tokenizer throughput on ~1 MB of English prose (Project Gutenberg children's books), single
// thread. Goal: >= 20 MB/s. The text is read at run time from $BERTLAB_GUTENBERG_DIR (default
// ../shared/datasets/gutenberg-children beside the source tree), the vocabulary from
// $BERTLAB_FIXTURES/vocab/bert-base-uncased; without them the benchmarks skip with a message.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace {

namespace fs = std::filesystem;
using bertlab::tokenizer::BertTokenizer;

fs::path from_env(const char* name, const fs::path& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? fs::path(value) : fallback;
}

const fs::path kShared = fs::path(BERTLAB_SOURCE_DIR) / ".." / "shared";

// About 1 MB of text: whole books, in name order, until the size is reached.
std::optional<std::string> load_text(size_t bytes = 1 << 20) {
  const fs::path dir =
      from_env("BERTLAB_GUTENBERG_DIR", kShared / "datasets" / "gutenberg-children");
  if (!fs::is_directory(dir)) return std::nullopt;
  std::vector<fs::path> books;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".txt") books.push_back(entry.path());
  }
  std::sort(books.begin(), books.end());
  std::string text;
  for (const fs::path& book : books) {
    if (text.size() >= bytes) break;
    std::ostringstream content;
    content << std::ifstream(book, std::ios::binary).rdbuf();
    text += content.str();
  }
  if (text.empty()) return std::nullopt;
  text.resize(std::min(text.size(), bytes));
  // Do not end inside a multi-byte character: drop a cut sequence's bytes.
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80)) text.pop_back();
  return text;
}

std::optional<BertTokenizer> load_tokenizer() {
  const fs::path fixtures = from_env("BERTLAB_FIXTURES", kShared / "fixtures");
  const fs::path vocab = fixtures / "vocab" / "bert-base-uncased";
  if (!fs::exists(vocab / "vocab.txt")) return std::nullopt;
  return BertTokenizer::from_pretrained(vocab.string());
}

// The lines of the text (the usual unit of a dataset), empty ones skipped.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// tokenize_with_offsets over the whole text in one call: BasicTokenizer + WordPiece.
void BM_tokenize_1MB(benchmark::State& state) {
  const auto text = load_text();
  const auto tokenizer = load_tokenizer();
  if (!text || !tokenizer) return state.SkipWithError("gutenberg-children text or vocab not found");
  size_t tokens = 0;
  for (auto _ : state) {
    const auto out = tokenizer->tokenize_with_offsets(*text);
    tokens += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text->size()));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_tokenize_1MB)->Unit(benchmark::kMillisecond);

// tokenizer(line) for every line: the full call, with [CLS]/[SEP] and the Encoding's vectors.
void BM_encode_lines_1MB(benchmark::State& state) {
  const auto text = load_text();
  const auto tokenizer = load_tokenizer();
  if (!text || !tokenizer) return state.SkipWithError("gutenberg-children text or vocab not found");
  const std::vector<std::string> lines = split_lines(*text);
  size_t tokens = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) tokens += (*tokenizer)(line).size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text->size()));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["lines"] = static_cast<double>(lines.size());
}
BENCHMARK(BM_encode_lines_1MB)->Unit(benchmark::kMillisecond);

}  // namespace
