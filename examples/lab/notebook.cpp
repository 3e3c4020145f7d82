// Cell headers, loading with a setup hint, and the lab programs' main (see notebook.h).
#include "examples/lab/notebook.h"  // defines: cell, out, fall_back_to_offline_model, load_tokenizer, run_step

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "hub/bundled.h"   // defines: is_bundled_model
#include "hub/error.h"     // defines: HubError
#include "hub/resolve.h"   // defines: resolve_model
#include "tensor/error.h"  // defines: Error

namespace bertlab::lab {

void cell(int number, std::string_view python) {
  const std::string prompt = fmt::format("In [{}]: ", number);
  std::cout << '\n' << prompt;
  for (char c : python) {
    std::cout << c;
    if (c == '\n') std::cout << fmt::format("{:>{}}", "...: ", prompt.size());
  }
  std::cout << std::endl;  // flushed, so that warnings on stderr come after their cell
}

void out(int number, std::string_view value) { std::cout << fmt::format("Out[{}]: {}\n", number, value); }

namespace {
// The model is not there: not found by the hub (no folder, not cached, no network), or a folder
// without the files a checkpoint needs. A file that is there but damaged is another story, told
// by its own error: the "how to get a checkpoint" hint would only send the reader the wrong way.
bool model_missing(const std::string& model, const std::exception& error) {
  if (dynamic_cast<const hub::HubError*>(&error)) return true;
  const std::filesystem::path folder(model);
  if (!std::filesystem::is_directory(folder)) return false;
  for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
    if (!std::filesystem::exists(folder / file)) return true;
  return false;
}
}  // namespace

void throw_with_setup_hint(const std::string& model, const std::exception& error) {
  // Called in a catch block: rethrows the original error, unchanged. A bundled model's own error
  // (hub/bundled.h) already says how to restore it; the hub hints below are not for it.
  if (!model_missing(model, error) || hub::is_bundled_model(model)) throw;
  // A Hub name ("google-bert/bert-base-uncased") lives in the cache as models--google-bert--bert-base-uncased.
  const bool is_path = model.empty() || model[0] == '.' || model[0] == '/' || std::filesystem::exists(model);
  std::string hub_name = is_path ? kDefaultModel : model, cache_name = hub_name;
  for (size_t slash; (slash = cache_name.find('/')) != std::string::npos;) cache_name.replace(slash, 1, "--");
  throw Error(fmt::format(
      "{}\n"
      "This needs a BERT checkpoint: a HuggingFace model folder with config.json, model.safetensors and "
      "vocab.txt. Either:\n"
      "  * let Python's transformers download it once (BertForMaskedLM.from_pretrained('{}')): bertlab finds it in "
      "the HF cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub, under "
      "models--{}/snapshots/<revision>/);\n"
      "  * or put the folder anywhere (e.g. git clone https://huggingface.co/google-bert/bert-base-uncased) and run "
      "`bertlab lab --model <folder>` (`./run lab --model <folder>`);\n"
      "  * or, with no checkpoint and no network, `./build/examples/bertlab demo` trains a tiny BERT from scratch, "
      "offline.",
      error.what(), hub_name, cache_name));
}

void fall_back_to_offline_model(LabOptions& options) {
  try {
    hub::resolve_model(kDefaultModel, {"config.json", "vocab.txt"}, {}, "lab",
                       {"model.safetensors", "pytorch_model.bin"});
  } catch (const hub::HubError&) {
    std::cout << fmt::format("{} was not found; the lab runs on {}, trained by `bertlab pretrain` on 16 "
                             "children's books from Project Gutenberg (models/{}/README.md); its numbers differ "
                             "from the notebook's.\n",
                             kDefaultModel, kOfflineModel, kOfflineModel);
    options.model = kOfflineModel;
  }
}

tokenizer::BertTokenizer load_tokenizer(const std::string& model) {
  try {
    return tokenizer::BertTokenizer::from_pretrained(model);
  } catch (const std::exception& e) {
    throw_with_setup_hint(model, e);
  }
}

int run_step(int argc, char** argv, Step step) {
  LabOptions options;
  bool model_given = false, usage_error = false, help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") help = true;
    else if (arg == "--attn-implementation" && i + 1 < argc) options.attn_implementation = argv[++i];
    else if (!arg.starts_with("-") && !model_given) options.model = arg, model_given = true;
    else usage_error = true;
  }
  if (help || usage_error) {
    std::cerr << fmt::format("usage: {} [model folder or name, default {}] [--attn-implementation sdpa|eager]\n",
                             argv[0], kDefaultModel);
    return usage_error ? 2 : 0;
  }
  try {
    if (!model_given) fall_back_to_offline_model(options);
    step(options);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace bertlab::lab
