// bertlab embed: sentence embeddings (or token vectors) of some texts, with their shapes.
//
//   bertlab embed "The weather is lovely today." --values 4
//   embeddings [1, 384] (mean pooling, L2-normalized) from /root/.cache/bertlab/minilm/model
//   [0] [384] [0.0192, 0.1201, 0.1596, 0.0671, ...]  The weather is lovely today.
// --pool mean: sentence-transformers' embedding (mean of the real tokens, L2-normalized);
// --pool cls: the [CLS] token's last hidden state as it is; --pool none: every token's vector.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>

#include "pipelines/sentence_embedding.h"    // defines: mean_pooling
#include "pipelines/sentence_transformer.h"  // defines: SentenceTransformer, default_minilm_dir
#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype
#include "examples/cli/commands.h"      // defines: add_embed_command
#include "tensor/autograd.h"            // defines: NoGradGuard

namespace bertlab::cli {

namespace {

struct EmbedOptions {
  std::vector<std::string> texts;
  std::string model = pipelines::default_minilm_dir().string();
  std::string pool = "mean";
  int64_t values = 0;
  std::string dtype = "float32";
};

// "[384] [0.0192, 0.1201, ...]": a vector's length and its first `values` numbers.
std::string vector_line(const float* v, int64_t H, int64_t values) {
  std::string line = fmt::format("[{}]", H);
  if (values <= 0) return line;
  std::vector<std::string> shown;
  for (int64_t h = 0; h < std::min(values, H); ++h) shown.push_back(fmt::format("{:.4f}", v[h]));
  if (values < H) shown.push_back("...");
  return fmt::format("{} [{}]", line, fmt::join(shown, ", "));
}

// --pool none: the last hidden state of each text, one line per real token.
void print_tokens(const pipelines::SentenceTransformer& model, const EmbedOptions& opt) {
  NoGradGuard no_grad;
  const tokenizer::BatchEncoding batch = model.tokenize(opt.texts);
  const Tensor hidden = model.forward(batch).last_hidden_state;  // [B, S, H]
  const int64_t S = hidden.shape()[1], H = hidden.shape()[2];
  std::cout << fmt::format("last_hidden_state {} from {}\n", hidden.shape(), opt.model);
  for (size_t b = 0; b < opt.texts.size(); ++b) {
    const auto& row = batch[b];
    const int64_t length = std::count(row.attention_mask.begin(), row.attention_mask.end(), int64_t{1});
    std::cout << fmt::format("[{}] [{}, {}]  {}\n", b, length, H, opt.texts[b]);
    for (int64_t s = 0; s < length; ++s)
      std::cout << fmt::format("    {:<12} {}\n", model.tokenizer.convert_ids_to_tokens(row.input_ids[s]),
                               vector_line(hidden.data() + (b * S + s) * H, H, opt.values));
  }
}

}  // namespace

void add_embed_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("embed", "Sentence embeddings of texts (all-MiniLM-L6-v2 by default)");
  auto opt = std::make_shared<EmbedOptions>();
  cmd->add_option("texts", opt->texts, "one or more texts")->required();
  cmd->add_option("--model", opt->model, "sentence-transformers BERT folder (default: the fetched MiniLM)")
      ->capture_default_str();
  cmd->add_option("--pool", opt->pool, "mean | cls | none")
      ->check(CLI::IsMember({"mean", "cls", "none"}))
      ->capture_default_str();
  cmd->add_option("--values", opt->values, "also print the first N numbers of each vector");
  add_dtype_option(*cmd, opt->dtype);
  cmd->callback([opt] {
    const auto model = pipelines::SentenceTransformer::from_pretrained(opt->model);
    apply_dtype(*model.model, opt->dtype);
    if (opt->pool == "none") return print_tokens(model, *opt);
    const bool mean = opt->pool == "mean";
    const Tensor embeddings = model.encode(opt->texts, mean ? pipelines::Pooling::mean : pipelines::Pooling::cls,
                                           /*normalize_embeddings=*/mean);  // [B, H]
    const int64_t H = embeddings.shape()[1];
    std::cout << fmt::format("embeddings {} ({}) from {}\n", embeddings.shape(),
                             mean ? "mean pooling, L2-normalized" : "[CLS] token, not normalized", opt->model);
    for (size_t b = 0; b < opt->texts.size(); ++b)
      std::cout << fmt::format("[{}] {}  {}\n", b, vector_line(embeddings.data() + b * H, H, opt->values),
                               opt->texts[b]);
  });
}

}  // namespace bertlab::cli
