// From what a user passes to from_pretrained to a folder of files, as transformers does it:
//
//   const std::vector<std::string> weights = {"model.safetensors", "pytorch_model.bin"};
//   resolve_model("path/to/folder", {"config.json"}, {}, "from_pretrained", weights)  -> path/to/folder
//   resolve_model("bert-base-uncased", {"config.json"}, {}, "from_pretrained", weights)
//     -> ~/.cache/huggingface/hub/models--bert-base-uncased/snapshots/<commit>/
//
// In order: (1) an existing local path is used as it is; (2) one of bertlab's own models
// ("bertlab-mini", hub/bundled.h) is used from the repository or the install; (3) a hub name
// ("bert-base-uncased", "google/bert_uncased_L-2_H-128_A-2") whose files are all in the
// HuggingFace cache is used from there, without touching the network; (4) otherwise the missing
// files are downloaded from $HF_ENDPOINT/<repo>/resolve/main/<file> into that cache (cache.h),
// unless HF_HUB_OFFLINE=1.
// docs/models.md explains the environment variables and how to work without a network.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bertlab::hub {

// `required_files` must all exist (a hub 404 is an error naming the URL); `optional_files` are
// fetched when the hub has them (a 404 is remembered in the cache and skipped). `caller` starts
// every error message, e.g. "BertTokenizer::from_pretrained". `one_of` lists alternatives in order of
// preference, of which the first the repo has is fetched, as transformers fetches model.safetensors
// and only when the hub has none (404) pytorch_model.bin; none of them is an error naming each URL.
// Throws HubError.
std::filesystem::path resolve_model(const std::string& name_or_path, const std::vector<std::string>& required_files,
                                    const std::vector<std::string>& optional_files, const std::string& caller,
                                    const std::vector<std::string>& one_of = {});

}  // namespace bertlab::hub
