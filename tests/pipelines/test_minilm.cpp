// all-MiniLM-L6-v2, a real pretrained BERT (scripts/fetch-minilm), against HuggingFace transformers.
// The references are tests/golden/minilm.safetensors, made by tests/golden/make_minilm_golden.py
// (versions in its metadata) for five real sentences in one padded batch [5, 18].
// Tolerances: last_hidden_state and pooler_output within 1e-4 absolute (6 layers of float32 whose
// sums run in a different order than PyTorch's; we measure 1.2e-5), the normalized embeddings and
// their similarities within 1e-5 absolute.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>
#include <nlohmann/json.hpp>

#include "nn/quantized_linear.h"            // defines: quantize_dynamic
#include "pipelines/sentence_embedding.h"    // defines: cos_sim
#include "pipelines/sentence_transformer.h"  // defines: SentenceTransformer, default_minilm_dir
#include "tensor/autograd.h"     // defines: NoGradGuard
#include "tensor/safetensors.h"  // defines: SafetensorsFile
#include "tests/support/all_close.h"
#include "tests/support/fixtures.h"

using namespace bertlab;
using namespace bertlab::bert;
using namespace bertlab::pipelines;
using namespace bertlab::testing;

namespace {

namespace fs = std::filesystem;

const SafetensorsFile& golden() {
  static const SafetensorsFile file =
      SafetensorsFile::open(fs::path(BERTLAB_SOURCE_DIR) / "tests" / "golden" / "minilm.safetensors");
  return file;
}

std::vector<std::string> golden_sentences() {
  return nlohmann::json::parse(golden().metadata().at("sentences")).get<std::vector<std::string>>();
}

// The fetched model, loaded once for all test cases; nullptr (after the skip line) when absent.
const SentenceTransformer* minilm() {
  static const std::unique_ptr<SentenceTransformer> model = []() -> std::unique_ptr<SentenceTransformer> {
    const fs::path dir = default_minilm_dir();
    if (!fs::exists(dir / "model.safetensors")) return nullptr;
    return std::make_unique<SentenceTransformer>(SentenceTransformer::from_pretrained(dir));
  }();
  if (!model)
    skip_or_fail("all-MiniLM-L6-v2 not fetched: no " + (default_minilm_dir() / "model.safetensors").string() +
                 " (run scripts/fetch-minilm; BERTLAB_MINILM_DIR overrides the cache folder)");
  return model.get();
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  double worst = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i)
    worst = std::max(worst, std::fabs(static_cast<double>(a.data()[i]) - b.data()[i]));
  return worst;
}

}  // namespace

TEST_CASE("all-MiniLM-L6-v2: the tokenizer gives transformers' ids for the golden sentences", "[minilm][golden]") {
  const SentenceTransformer* model = minilm();
  if (!model) return;
  const tokenizer::BatchEncoding batch = model->tokenize(golden_sentences());
  for (const char* key : {"input_ids", "token_type_ids", "attention_mask"}) {
    INFO(key);
    const IntTensor want = golden().int_tensor(key);
    const IntTensor got = batch_tensor(batch, key);
    CHECK(got.shape == want.shape);
    CHECK(got.data == want.data);
  }
}

TEST_CASE("all-MiniLM-L6-v2: last_hidden_state and pooler_output match transformers", "[minilm][golden]") {
  const SentenceTransformer* model = minilm();
  if (!model) return;
  NoGradGuard no_grad;
  const BertModelOutput out = model->model->forward(golden().int_tensor("input_ids"),
                                                    golden().int_tensor("attention_mask"),
                                                    golden().int_tensor("token_type_ids"));
  const Tensor want_hidden = golden().tensor("last_hidden_state"), want_pooled = golden().tensor("pooler_output");
  std::cout << fmt::format("minilm parity: max |diff| last_hidden_state {:.3g}, pooler_output {:.3g}\n",
                           max_abs_diff(out.last_hidden_state, want_hidden),
                           max_abs_diff(out.pooler_output, want_pooled));
  CHECK_THAT(out.last_hidden_state, AllClose(want_hidden, 1e-4, 0.0));  // [5, 18, 384]
  CHECK_THAT(out.pooler_output, AllClose(want_pooled, 1e-4, 0.0));      // [5, 384]
}

TEST_CASE("all-MiniLM-L6-v2: sentence embeddings and similarities match sentence-transformers",
          "[minilm][golden]") {
  const SentenceTransformer* model = minilm();
  if (!model) return;
  const Tensor embeddings = model->encode(golden_sentences());  // [5, 384], mean pooled, normalized
  const Tensor similarity = cos_sim(embeddings, embeddings);    // [5, 5]
  std::cout << fmt::format("minilm parity: max |diff| sentence_embedding {:.3g}, similarity {:.3g}\n",
                           max_abs_diff(embeddings, golden().tensor("sentence_embedding")),
                           max_abs_diff(similarity, golden().tensor("similarity")));
  CHECK_THAT(embeddings, AllClose(golden().tensor("sentence_embedding"), 1e-5, 0.0));
  CHECK_THAT(similarity, AllClose(golden().tensor("similarity"), 1e-5, 0.0));
  // sentence-transformers' quickstart prints 0.6660 for the two sentences about the weather.
  CHECK(similarity.data()[1] == Approx(0.6660).margin(5e-5));
}

// Dynamic quantization of a real model (nn/quantized_linear.h, docs/quantization.md): each
// sentence's embedding stays within a small angle of float32's, and the similarities close.
TEST_CASE("all-MiniLM-L6-v2 in int8 and bf16: embeddings and similarities stay close to float32's",
          "[minilm][golden][int8][bf16]") {
  if (!minilm()) return;
  for (const auto& [dtype, min_cosine, max_similarity_diff] :
       {std::tuple{nn::QuantizedDtype::qint8, 0.99, 0.03}, std::tuple{nn::QuantizedDtype::bfloat16, 0.9999, 0.003}}) {
    SentenceTransformer model = SentenceTransformer::from_pretrained(default_minilm_dir());
    model.model->eval();
    nn::quantize_dynamic(*model.model, dtype);
    const Tensor embeddings = model.encode(golden_sentences());  // [5, 384], normalized
    const Tensor want = golden().tensor("sentence_embedding");
    const int64_t H = embeddings.size(1);
    double worst_cosine = 1.0;
    for (int64_t b = 0; b < embeddings.size(0); ++b) {
      double dot = 0.0;  // both are unit vectors: their dot product is the cosine
      for (int64_t h = 0; h < H; ++h) dot += double{embeddings.data()[b * H + h]} * want.data()[b * H + h];
      worst_cosine = std::min(worst_cosine, dot);
    }
    const double similarity_diff = max_abs_diff(cos_sim(embeddings, embeddings), golden().tensor("similarity"));
    std::cout << fmt::format("minilm {}: least cosine to float32 {:.5f}, max |diff| similarity {:.4f}\n",
                             dtype == nn::QuantizedDtype::qint8 ? "int8" : "bf16", worst_cosine, similarity_diff);
    CHECK(worst_cosine > min_cosine);
    CHECK(worst_cosine < 1.0 - 1e-7);  // it did round
    CHECK(similarity_diff < max_similarity_diff);
  }
}

TEST_CASE("bertlab similarity: prints the golden similarity matrix as PyTorch does", "[minilm][golden][cli]") {
  if (!minilm()) return;
  const fs::path cli = fs::path(BERTLAB_BINARY_DIR) / "examples" / "bertlab";
  REQUIRE(fs::exists(cli));
  const std::vector<std::string> sentences = golden_sentences();
  const fs::path out = fs::temp_directory_path() / "bertlab_similarity_cli.txt";
  std::string command = fmt::format("\"{}\" similarity", cli.string());
  for (size_t i = 0; i < 3; ++i) command += fmt::format(" \"{}\"", sentences[i]);  // no quotes inside
  REQUIRE(std::system((command + fmt::format(" > \"{}\" 2>/dev/null", out.string())).c_str()) == 0);
  std::stringstream printed;
  printed << std::ifstream(out).rdbuf();
  // The golden [5, 5] matrix's top-left [3, 3], to 4 decimals, as print(tensor) shows it.
  const Tensor want = golden().tensor("similarity");
  std::string expected = "tensor([";
  for (int64_t i = 0; i < 3; ++i) {
    expected += i == 0 ? "[" : ",\n        [";
    for (int64_t j = 0; j < 3; ++j) expected += fmt::format("{}{:.4f}", j ? ", " : "", want.data()[i * 5 + j]);
    expected += "]";
  }
  CHECK(printed.str() == expected + "])\n");
}
