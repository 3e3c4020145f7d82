#include "hub/bundled.h"  // defines: is_bundled_model, bundled_model

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <system_error>

#include "hub/error.h"  // defines: HubError

namespace bertlab::hub {

namespace fs = std::filesystem;

bool is_bundled_model(const std::string& name) {
  return std::find(std::begin(kBundledModels), std::end(kBundledModels), name) != std::end(kBundledModels);
}

std::optional<fs::path> bundled_model(const std::string& name) {
  if (!is_bundled_model(name)) return std::nullopt;
  // An install puts the program in <prefix>/bin and the models in <prefix>/share/bertlab/models
  // (CMakeLists.txt's install rules); /proc/self/exe is the running program, wherever it was started from.
  std::error_code error;
  const fs::path program = fs::read_symlink("/proc/self/exe", error);
  const fs::path installed = program.parent_path().parent_path() / "share" / "bertlab" / "models" / name;
  const fs::path source = fs::path(BERTLAB_SOURCE_DIR) / "models" / name;
  if (!error && fs::is_directory(installed)) return installed;
  if (fs::is_directory(source)) return source;
  throw HubError(fmt::format("{}: bertlab's own model is missing: expected the folder {} (installed) or {} (source "
                             "tree), got neither. Hint: it is committed in models/{} of the repository; `git "
                             "checkout -- models/{}` restores it",
                             name, installed.string(), source.string(), name, name));
}

}  // namespace bertlab::hub
