// bertlab similarity: how alike are some sentences? Cosine similarities of their embeddings.
//
//   bertlab similarity "The weather is lovely today." "It's so sunny outside!" "He drove to the stadium."
//   tensor([[1.0000, 0.6660, 0.1046],
//           [0.6660, 1.0000, 0.1411],
//           [0.1046, 0.1411, 1.0000]])
// as sentence-transformers' model.similarity(embeddings, embeddings) prints it. The default model
// is all-MiniLM-L6-v2 where scripts/fetch-minilm puts it; --model takes another folder.
#include <fmt/format.h>

#include <iostream>

#include "pipelines/sentence_embedding.h"    // defines: cos_sim
#include "pipelines/sentence_transformer.h"  // defines: SentenceTransformer, default_minilm_dir
#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype
#include "examples/cli/commands.h"      // defines: add_similarity_command

namespace bertlab::cli {

namespace {

// A [M, N] matrix as PyTorch prints it: 4 decimals, right-aligned to the widest entry.
std::string torch_repr(const Tensor& m) {
  const int64_t M = m.shape()[0], N = m.shape()[1];
  size_t width = 0;
  for (int64_t i = 0; i < m.numel(); ++i) width = std::max(width, fmt::format("{:.4f}", m.data()[i]).size());
  std::string out = "tensor([";
  for (int64_t i = 0; i < M; ++i) {
    out += i == 0 ? "[" : ",\n        [";
    for (int64_t j = 0; j < N; ++j)
      out += fmt::format("{}{:>{}.4f}", j == 0 ? "" : ", ", m.data()[i * N + j], width);
    out += "]";
  }
  return out + "])";
}

}  // namespace

void add_similarity_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("similarity", "Cosine similarities of sentence embeddings (all-MiniLM-L6-v2)");
  struct Options {
    std::vector<std::string> sentences;
    std::string model = pipelines::default_minilm_dir().string();
    std::string dtype = "float32";
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("sentences", opt->sentences, "two or more sentences")->required();
  cmd->add_option("--model", opt->model, "sentence-transformers BERT folder (default: the fetched MiniLM)")
      ->capture_default_str();
  add_dtype_option(*cmd, opt->dtype);
  cmd->callback([opt] {
    const auto model = pipelines::SentenceTransformer::from_pretrained(opt->model);
    apply_dtype(*model.model, opt->dtype);
    const Tensor embeddings = model.encode(opt->sentences);  // [B, H]
    std::cout << torch_repr(pipelines::cos_sim(embeddings, embeddings)) << "\n";
  });
}

}  // namespace bertlab::cli
