// A HuggingFace hub in a temporary folder, served by nginx (nginx_server.h), for the hub tests.
//
// Repos are copies of fixture files under www/cdn/<repo>/. As on huggingface.co, a request for
// /<repo>/resolve/<revision>/<file> answers 302 with X-Repo-Commit, redirecting to a CDN-like
// /cdn/<repo>/<file>, which serves the bytes (Range requests are nginx's own) with X-Repo-Commit
// and either, for "LFS" files, X-Linked-Etag (the sha256, quoted) and X-Linked-Size, or, for the
// hub's small git files, ETag (the git hash, quoted). The HF environment variables point at the
// server and at an empty cache in the same folder, and are restored after.
//
//   FakeHub hub;
//   hub.add_repo("bertlab/tiny-bert", tiny_bert_dir, {"config.json", ...}, {"model.safetensors"});
//   hub.start();   // HF_ENDPOINT = hub.server->url(), HF_HUB_CACHE = hub.cache
//
// Before start(), a test may make one of its answers hostile (values without ' or $, which
// nginx's config would read as quotes and variables):
//   hub.commit = "../../x";                        X-Repo-Commit of every answer
//   hub.etags["config.json"] = "\"/tmp/x\"";        a file's ETag or X-Linked-Etag, sent as it is
//   hub.portal_pages["config.json"] = "<html>";    a GET of the file answers this page, 200 OK
//   hub.rates["model.safetensors"] = 4;            a GET of the file is sent at 4 bytes per second
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/resolve.h"              // defines: resolve_model
#include "tests/hub/nginx_server.h"   // defines: NginxServer, have_nginx
#include "tests/support/fixtures.h"   // defines: fixture

namespace bertlab::testing {

inline const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

// The first word a command prints: hashes computed by coreutils and git, not by the code under test.
inline std::string first_word(const std::string& command) {
  std::FILE* pipe = popen(command.c_str(), "r");
  char word[129] = "";
  if (pipe) {
    if (std::fscanf(pipe, "%128s", word) != 1) word[0] = '\0';
    pclose(pipe);
  }
  return word;
}
inline std::string sha256sum(const std::filesystem::path& path) {
  return first_word("sha256sum '" + path.string() + "'");
}
inline std::string git_hash_object(const std::filesystem::path& path) {
  return first_word("git hash-object '" + path.string() + "'");
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
  std::unique_ptr<NginxServer> server;
  ScopedEnv env;
  std::string commit = kCommit;
  std::map<std::string, std::string> etags, portal_pages;  // file name -> header value / page
  std::map<std::string, long> rates;                       // file name -> bytes per second

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

  // Serve `files` of `source` as `repo`; those in `lfs` get the LFS headers.
  void add_repo(const std::string& repo, const std::filesystem::path& source, const std::vector<std::string>& files,
                const std::set<std::string>& lfs) {
    for (const std::string& file : files) {
      const std::filesystem::path served = www / "cdn" / repo / file;
      std::filesystem::create_directories(served.parent_path());
      std::filesystem::copy_file(source / file, served);
      files_.push_back({repo, file, lfs.count(file) > 0, served});
    }
  }

  void start() {
    std::string body = "    root " + www.string() + ";\n" +
                       "    location ~ ^/(.+)/resolve/[^/]+/(.+)$ {\n"
                       "      add_header X-Repo-Commit '" + commit + "' always;\n"
                       "      return 302 /cdn/$1/$2;\n    }\n";
    for (const Served& f : files_) body += location(f);
    server = std::make_unique<NginxServer>(dir / "nginx", "", body);
    env.set("HF_ENDPOINT", server->url());
  }

 private:
  struct Served {
    std::string repo, file;
    bool lfs;
    std::filesystem::path path;
  };

  // The CDN's answer for one file: its headers, and whatever a test made hostile.
  std::string location(const Served& f) const {
    const std::string hash = f.lfs ? sha256sum(f.path) : git_hash_object(f.path);
    const std::string etag = etags.count(f.file) ? etags.at(f.file) : "\"" + hash + "\"";
    std::string lines = "      etag off;\n      add_header X-Repo-Commit '" + commit + "';\n";
    if (f.lfs)
      lines += "      add_header X-Linked-Etag '" + etag + "';\n      add_header X-Linked-Size " +
               std::to_string(std::filesystem::file_size(f.path)) + ";\n";
    else
      lines += "      add_header ETag '" + etag + "';\n";
    if (rates.count(f.file))  // the HEAD keeps its speed: it is the download that drips
      lines += "      if ($request_method = GET) { set $limit_rate " + std::to_string(rates.at(f.file)) + "; }\n";
    if (portal_pages.count(f.file))
      lines += "      if ($request_method = GET) { return 200 '" + portal_pages.at(f.file) + "'; }\n";
    return "    location = /cdn/" + f.repo + "/" + f.file + " {\n" + lines + "    }\n";
  }

  std::vector<Served> files_;
};

// What from_pretrained resolves for a model: its config and weights.
inline std::filesystem::path resolve(const std::string& name) {
  return hub::resolve_model(name, {"config.json", "model.safetensors"}, {}, "test");
}

// How often `part` occurs in `text` (e.g. a request in an access log).
inline size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

inline const std::vector<std::string> kTinyBertFiles = {"config.json", "vocab.txt", "tokenizer_config.json",
                                                       "model.safetensors"};

// A fake hub serving the tiny-bert fixture as "bertlab/tiny-bert", the weights and vocab.txt as
// LFS files, once `before_start` has made it hostile; nullptr after reporting a skip (no fixture
// or no nginx).
inline std::unique_ptr<FakeHub> tiny_bert_hub(const std::function<void(FakeHub&)>& before_start = {}) {
  auto dir = fixture("models/tiny-bert");
  if (!dir || !have_nginx()) return nullptr;
  auto hub = std::make_unique<FakeHub>();
  hub->add_repo("bertlab/tiny-bert", *dir, kTinyBertFiles, {"model.safetensors", "vocab.txt"});
  if (before_start) before_start(*hub);
  hub->start();
  return hub;
}

}  // namespace bertlab::testing
