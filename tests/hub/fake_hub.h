// A HuggingFace hub in a temporary folder, served by nginx (nginx_server.h), for the hub tests.
//
// Repos are copies of fixture files under www/cdn/<repo>/. As on huggingface.co, a request for
// /<repo>/resolve/<revision>/<file> answers 302 with X-Repo-Commit, redirecting to a CDN-like
// /cdn/<repo>/<file>, which serves the bytes (Range requests and ETag are nginx's own) with
// X-Repo-Commit and, for "LFS" files, X-Linked-Etag (the sha256, quoted) and X-Linked-Size.
// Other files carry nginx's own ETag only, like the hub's small git files. The HF environment
// variables point at the server and at an empty cache in the same folder, and are restored after.
//
//   FakeHub hub;
//   hub.add_repo("bertlab/tiny-bert", tiny_bert_dir, {"config.json", ...}, {"model.safetensors"});
//   hub.start();   // HF_ENDPOINT = hub.server->url(), HF_HUB_CACHE = hub.cache
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/hub/nginx_server.h"  // defines: NginxServer

namespace bertlab::testing {

inline const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

// sha256sum's answer: computed by coreutils, not by the code under test.
inline std::string sha256sum(const std::filesystem::path& path) {
  std::FILE* pipe = popen(("sha256sum '" + path.string() + "'").c_str(), "r");
  char hex[65] = "";
  if (pipe) {
    if (std::fscanf(pipe, "%64s", hex) != 1) hex[0] = '\0';
    pclose(pipe);
  }
  return hex;
}

// Sets environment variables for one scope and puts the old values back.
class ScopedEnv {
 public:
  void set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
  }
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

struct FakeHub {
  std::filesystem::path dir, www, cache;
  std::string maps;  // nginx map entries: /cdn/<repo>/<file> -> X-Linked-Etag / X-Linked-Size
  std::unique_ptr<NginxServer> server;
  ScopedEnv env;

  FakeHub() {
    char name[] = "/tmp/bertlab_hub_XXXXXX";
    dir = mkdtemp(name);
    www = dir / "www", cache = dir / "cache";
    env.set("HF_HUB_CACHE", cache.string());
    env.set("HF_HUB_OFFLINE", std::nullopt);
    env.set("HF_HUB_DISABLE_PROGRESS_BARS", "1");
  }
  ~FakeHub() {
    server.reset();  // stop nginx before its folder goes
    std::filesystem::remove_all(dir);
  }

  // Serve `files` of `source` as `repo`; those in `lfs` get the LFS headers, with `sha256`
  // overriding the true hash of a file (to serve a corrupted download).
  void add_repo(const std::string& repo, const std::filesystem::path& source, const std::vector<std::string>& files,
                const std::set<std::string>& lfs, const std::map<std::string, std::string>& sha256 = {}) {
    for (const std::string& file : files) {
      const std::filesystem::path served = www / "cdn" / repo / file;
      std::filesystem::create_directories(served.parent_path());
      std::filesystem::copy_file(source / file, served);
      if (!lfs.count(file)) continue;
      const std::string uri = "/cdn/" + repo + "/" + file;
      const std::string sha = sha256.count(file) ? sha256.at(file) : sha256sum(served);
      maps += "    " + uri + " '\"" + sha + "\"';\n";
      sizes_ += "    " + uri + " " + std::to_string(std::filesystem::file_size(served)) + ";\n";
    }
  }

  void start() {
    const std::string http = "  map $uri $linked_etag {\n    default '';\n" + maps + "  }\n" +
                             "  map $uri $linked_size {\n    default '';\n" + sizes_ + "  }\n";
    const std::string server_body =
        "    root " + www.string() + ";\n" +
        "    location ~ ^/(.+)/resolve/[^/]+/(.+)$ {\n"
        "      add_header X-Repo-Commit " + kCommit + " always;\n"
        "      return 302 /cdn/$1/$2;\n    }\n" +
        "    location /cdn/ {\n"
        "      add_header X-Repo-Commit " + kCommit + ";\n"
        "      add_header X-Linked-Etag $linked_etag;\n"
        "      add_header X-Linked-Size $linked_size;\n    }\n";
    server = std::make_unique<NginxServer>(dir / "nginx", http, server_body);
    env.set("HF_ENDPOINT", server->url());
  }

 private:
  std::string sizes_;
};

}  // namespace bertlab::testing
