#include "viz/graph.h"  // defines: name_parameters, dot_to_svg, write_graph

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tensor/autograd.h"  // defines: to_dot
#include "tensor/error.h"     // defines: BERT_CHECK
#include "viz/svg.h"          // defines: write_text_file

extern char** environ;

namespace bertlab::viz {

void name_parameters(const nn::Module& module) {
  for (const auto& [name, param] : module.named_parameters()) param.set_name(name);
}

namespace {

// Run `dot -Tsvg -o svg_path dot_path` (argv directly, no shell) and return its exit status.
int run_graphviz(const std::filesystem::path& dot_path, const std::filesystem::path& svg_path) {
  std::string a0 = "dot", a1 = "-Tsvg", a2 = "-o", a3 = svg_path.string(), a4 = dot_path.string();
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
  pid_t pid = 0;
  const int spawn_error = posix_spawnp(&pid, "dot", nullptr, nullptr, argv, environ);
  BERT_CHECK(spawn_error == 0,
             "graph: cannot run Graphviz's `dot`: expected it on PATH, got error {} ({}). "
             "Hint: install it (apt-get install graphviz) or write a .dot file instead",
             spawn_error, std::strerror(spawn_error));
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string dot_to_svg(const std::string& dot) {
  // Graphviz reads and writes files; both live in a private temporary folder.
  const auto dir = std::filesystem::temp_directory_path() / ("bertlab-graph-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  write_text_file(dir / "graph.dot", dot);
  const int status = run_graphviz(dir / "graph.dot", dir / "graph.svg");
  std::ifstream in(dir / "graph.svg", std::ios::binary);
  std::stringstream svg;
  svg << in.rdbuf();
  std::filesystem::remove_all(dir);
  BERT_CHECK(status == 0 && !svg.str().empty(),
             "graph: Graphviz's `dot -Tsvg` failed: expected exit status 0, got {}. Hint: its message is printed above",
             status);
  return svg.str();
}

void write_graph(const Tensor& root, const std::filesystem::path& out) {
  const std::string ext = out.extension().string();
  BERT_CHECK(ext == ".dot" || ext == ".svg", "graph: unknown output format: expected a .dot or .svg file, got '{}'",
             out.string());
  const std::string dot = to_dot(root);
  write_text_file(out, ext == ".dot" ? dot : dot_to_svg(dot));
}

}  // namespace bertlab::viz
