// resolve_model against a hub that answers what it should not (fake_hub.h's hostile modes), and
// local model folders holding what is not a file. Each must end in a one-line error naming the
// header or file, never in a write outside the cache, a crash or a hang.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "bert/for_masked_lm.h"        // defines: BertForMaskedLM
#include "tests/hub/child_process.h"   // defines: ChildProcess
#include "tests/hub/fake_hub.h"        // defines: FakeHub, tiny_bert_hub, resolve, count, kCommit
#include "tests/support/fixtures.h"    // defines: fixture
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

using namespace bertlab;
using namespace bertlab::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Everything the test left in the cache and next to it (outside www/ and nginx/, which are the
// server's): a hostile answer must add nothing there.
std::vector<fs::path> written_files(const FakeHub& hub) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(hub.dir)) {
    const fs::path relative = fs::relative(entry.path(), hub.dir);
    const std::string top = relative.begin()->string();
    if (top != "www" && top != "nginx" && !entry.is_directory()) files.push_back(relative);
  }
  return files;
}

// The errors are one line: a hostile value cannot start a line of its own in a log.
Catch::Matchers::Generic::PredicateMatcher<std::string> one_line() {
  return Catch::Matchers::Predicate<std::string>([](const std::string& m) { return m.find('\n') == std::string::npos; },
                                                 "is one line");
}

// A hostile value with $DIR standing for the test's folder: an absolute path outside the cache
// that this test alone owns.
std::string in_dir(std::string value, const FakeHub& hub) {
  if (const size_t at = value.find("$DIR"); at != std::string::npos) value.replace(at, 4, hub.dir.string());
  return value;
}

}  // namespace

TEST_CASE("resolve_model: an X-Repo-Commit that is not a commit hash writes nothing", "[hub]") {
  // ../../../escaped climbs from snapshots/ out of the cache; an absolute path replaces it.
  // Then no header, 39 hex digits, and upper case (the hub sends lower case, and so blobs are named).
  const std::string commit = GENERATE(as<std::string>(), "../../../escaped", "$DIR/escaped", "",
                                      "0123456789abcdef0123456789abcdef0123456",
                                      "0123456789ABCDEF0123456789ABCDEF01234567");
  CAPTURE(commit);
  auto hub = tiny_bert_hub([&](FakeHub& hub) { hub.commit = in_dir(commit, hub); });
  if (!hub) return;
  CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"),
                    Contains("X-Repo-Commit") && Contains("config.json") && Contains("40 hex digits") && one_line());
  CHECK(written_files(*hub).empty());
}

TEST_CASE("resolve_model: an ETag that is neither a git hash nor a sha256 writes nothing", "[hub]") {
  // nginx's own ETag ("<mtime>-<size>") is what a plain web server sends for config.json.
  const std::string etag = GENERATE(as<std::string>(), "\"$DIR/escaped\"", "\"../../../escaped\"",
                                    "\"65f1a2b3-223\"", "W/\"..\"", "\"\x01\"");
  CAPTURE(etag);
  auto hub = tiny_bert_hub([&](FakeHub& hub) { hub.etags["config.json"] = in_dir(etag, hub); });
  if (!hub) return;
  CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"),
                    Contains("ETag") && Contains("config.json") && Contains("64 (sha256)") && one_line());
  CHECK(written_files(*hub).empty());
}

TEST_CASE("resolve_model: an X-Linked-Etag that is not a sha256 names no blob", "[hub]") {
  auto hub = tiny_bert_hub([](FakeHub& hub) { hub.etags["model.safetensors"] = in_dir("\"$DIR/escaped\"", hub); });
  if (!hub) return;
  CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"), Contains("X-Linked-Etag") && Contains("model.safetensors"));
  CHECK(!fs::exists(hub->dir / "escaped"));
  CHECK(!fs::exists(hub->cache / "models--bertlab--tiny-bert" / "snapshots" / kCommit / "model.safetensors"));
}

TEST_CASE("resolve_model: a weak ETag W/\"<git hash>\" names the blob by the hash", "[hub]") {
  std::string hash;
  auto hub = tiny_bert_hub([&](FakeHub& hub) {
    hash = git_hash_object(hub.www / "cdn" / "bertlab" / "tiny-bert" / "config.json");
    hub.etags["config.json"] = "W/\"" + hash + "\"";
  });
  if (!hub) return;
  const fs::path config = hub->www / "cdn" / "bertlab" / "tiny-bert" / "config.json";
  resolve("bertlab/tiny-bert");
  CHECK(sha256sum(hub->cache / "models--bertlab--tiny-bert" / "blobs" / hash) == sha256sum(config));
}

TEST_CASE("resolve_model: a refs/main that is not a commit hash is an error naming it", "[hub]") {
  auto hub = tiny_bert_hub();
  if (!hub) return;
  // A snapshot outside the cache, which refs/main = ../../../outside would select.
  fs::create_directories(hub->dir / "outside");
  for (const char* file : {"config.json", "model.safetensors"}) std::ofstream(hub->dir / "outside" / file) << "{}";
  const fs::path ref = hub->cache / "models--bertlab--tiny-bert" / "refs" / "main";
  fs::create_directories(ref.parent_path());
  std::ofstream(ref) << "../../../outside";
  for (const char* offline : {"0", "1"}) {
    hub->env.set("HF_HUB_OFFLINE", offline);
    CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"),
                      Contains(ref.string()) && Contains("not a commit hash") && Contains("../../../outside"));
  }
}

TEST_CASE("resolve_model: a captive portal's page in place of a small file is never kept", "[hub]") {
  // A login page as long as config.json (its size alone would pass), or shorter (a "first part").
  const bool same_size = GENERATE(true, false);
  CAPTURE(same_size);
  fs::path config;
  auto hub = tiny_bert_hub([&](FakeHub& hub) {
    config = hub.www / "cdn" / "bertlab" / "tiny-bert" / "config.json";
    std::string page = "<html><body>Please log in to use this network.</body></html>";
    page.resize(same_size ? fs::file_size(config) : 100, ' ');
    hub.portal_pages["config.json"] = page;
  });
  if (!hub) return;
  CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"),
                    Contains("config.json") && Contains(same_size ? "expected git hash" : "is not the file"));
  const fs::path blobs = hub->cache / "models--bertlab--tiny-bert" / "blobs";
  CHECK(!fs::exists(blobs / git_hash_object(config)));
  CHECK(!fs::exists(blobs / (git_hash_object(config) + ".incomplete")));
  CHECK(!fs::exists(hub->cache / "models--bertlab--tiny-bert" / "snapshots" / kCommit / "config.json"));
}

TEST_CASE("resolve_model: a server that drips a few bytes a second is given up, saying why", "[hub]") {
  auto hub = tiny_bert_hub([](FakeHub& hub) { hub.rates["config.json"] = 4; });
  if (!hub) return;
  hub->env.set("HF_HUB_DOWNLOAD_TIMEOUT", "1");  // seconds below the minimum speed before giving up
  const auto start = std::chrono::steady_clock::now();
  ChildProcess child([] { resolve("bertlab/tiny-bert"); }, 20);
  const std::string message = child.wait();
  CHECK_THAT(message, Contains("config.json") && Contains("too slow") && Contains("HF_HUB_DOWNLOAD_TIMEOUT"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("resolve_model: two processes downloading one model into one cache both succeed", "[hub]") {
  // 4 MB of weights at 4 MB/s: the second process asks while the first is still downloading.
  auto hub = tiny_bert_hub([](FakeHub& hub) { hub.rates["model.safetensors"] = 4'000'000; });
  if (!hub) return;
  ChildProcess first([] { resolve("bertlab/tiny-bert"); }, 30), second([] { resolve("bertlab/tiny-bert"); }, 30);
  CHECK(first.wait() == "");
  CHECK(second.wait() == "");
  const std::string sha = sha256sum(*fixture("models/tiny-bert") / "model.safetensors");
  const fs::path repo = hub->cache / "models--bertlab--tiny-bert";
  CHECK(sha256sum(repo / "snapshots" / kCommit / "model.safetensors") == sha);
  CHECK(count(hub->server->access_log(), "GET /cdn/bertlab/tiny-bert/model.safetensors 200") == 1);
  CHECK(fs::exists(hub->cache / ".locks" / "models--bertlab--tiny-bert" / (sha + ".lock")));  // huggingface_hub's
}

TEST_CASE("from_pretrained: a FIFO or a folder as a model file is refused, not waited on", "[hub]") {
  auto source = fixture("models/tiny-bert");
  if (!source) return;
  char name[] = "/tmp/bertlab_local_XXXXXX";
  const fs::path dir = mkdtemp(name);
  const std::string file = GENERATE(as<std::string>(), "model.safetensors", "config.json", "vocab.txt");
  const bool fifo = GENERATE(true, false);
  CAPTURE(file, fifo);
  for (const char* other : {"model.safetensors", "config.json", "vocab.txt"})
    if (other != file) fs::copy_file(*source / other, dir / other);
  if (fifo) REQUIRE(mkfifo((dir / file).c_str(), 0600) == 0);
  else fs::create_directory(dir / file);
  ChildProcess child(
      [&] {
        if (file == "vocab.txt") tokenizer::BertTokenizer::from_pretrained(dir.string());
        else bert::from_pretrained<bert::BertForMaskedLM>(dir.string());
      },
      10);
  CHECK_THAT(child.wait(), Contains((dir / file).string()) && Contains("not a regular file") &&
                               Contains(fifo ? "a FIFO" : "a folder"));
  fs::remove_all(dir);
}
