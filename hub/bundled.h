// bertlab's own models: small checkpoints that ship in the repository's models/ folder, so that the
// labs run on a machine with no network and no HuggingFace cache.
//
//   bundled_model("bertlab-mini")      -> <prefix>/share/bertlab/models/bertlab-mini   (installed)
//                                      or <source>/models/bertlab-mini                 (a build tree)
//   bundled_model("bert-base-uncased") -> std::nullopt: a hub name, not one of ours
//
// resolve_model() asks here before the HuggingFace cache, so `--model bertlab-mini` works with
// every command. models/bertlab-mini/README.md tells how the model was trained.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace bertlab::hub {

inline constexpr const char* kBundledModels[] = {"bertlab-mini"};

// Whether `name` is one of kBundledModels ("bertlab-mini": yes; "bert-base-uncased": no).
bool is_bundled_model(const std::string& name);

// The folder of a bundled model: next to the running program's install (../share/bertlab/models/),
// else in the source tree the program was built from. std::nullopt when `name` is not a bundled
// model; a HubError naming both places when it is one but neither holds it.
std::optional<std::filesystem::path> bundled_model(const std::string& name);

}  // namespace bertlab::hub
