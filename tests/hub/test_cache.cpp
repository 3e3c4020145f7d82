// The HF cache's location, names and layout (hub/cache.h), without a network.
#include <catch2/catch.hpp>

#include "hub/cache.h"           // defines: hub_cache_dir, hub_endpoint, hub_offline, is_repo_id, RepoCache
#include "tests/hub/fake_hub.h"  // defines: ScopedEnv

using namespace bertlab::hub;
using bertlab::testing::ScopedEnv;
namespace fs = std::filesystem;

TEST_CASE("hub_cache_dir: HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME, then ~/.cache", "[hub]") {
  ScopedEnv env;
  env.set("HF_HUB_CACHE", "/a/hub-cache");
  env.set("HF_HOME", "/b/hf-home");
  env.set("XDG_CACHE_HOME", "/c/xdg");
  env.set("HOME", "/d/home");
  CHECK(hub_cache_dir() == fs::path("/a/hub-cache"));
  env.set("HF_HUB_CACHE", std::nullopt);
  CHECK(hub_cache_dir() == fs::path("/b/hf-home/hub"));
  env.set("HF_HOME", "~/hf");  // expanded as Python's os.path.expanduser does
  CHECK(hub_cache_dir() == fs::path("/d/home/hf/hub"));
  env.set("HF_HOME", std::nullopt);
  CHECK(hub_cache_dir() == fs::path("/c/xdg/huggingface/hub"));
  env.set("XDG_CACHE_HOME", std::nullopt);
  CHECK(hub_cache_dir() == fs::path("/d/home/.cache/huggingface/hub"));
}

TEST_CASE("hub_endpoint and hub_offline read HF_ENDPOINT and HF_HUB_OFFLINE", "[hub]") {
  ScopedEnv env;
  env.set("HF_ENDPOINT", std::nullopt);
  CHECK(hub_endpoint() == "https://huggingface.co");
  env.set("HF_ENDPOINT", "http://mirror.example:8080/");
  CHECK(hub_endpoint() == "http://mirror.example:8080");
  for (const char* on : {"1", "ON", "yes", "True"}) {
    env.set("HF_HUB_OFFLINE", on);
    CHECK(hub_offline());
  }
  for (const char* off : {"0", "", "no"}) {
    env.set("HF_HUB_OFFLINE", off);
    CHECK_FALSE(hub_offline());
  }
}

TEST_CASE("is_repo_id: legacy names and org/name, but not paths", "[hub]") {
  for (const char* id : {"bert-base-uncased", "google/bert_uncased_L-2_H-128_A-2", "org/name.v2", "a"})
    CHECK(is_repo_id(id));
  for (const char* not_id : {"", "/abs/path", "./rel", "a/b/c", "org--x/name", "a..b", "name/", "-x", "x y"})
    CHECK_FALSE(is_repo_id(not_id));
}

TEST_CASE("RepoCache: huggingface_hub's folder names", "[hub]") {
  const RepoCache legacy("/cache", "bert-base-uncased"), org("/cache", "google/bert_uncased_L-2_H-128_A-2");
  CHECK(legacy.folder() == fs::path("/cache/models--bert-base-uncased"));
  CHECK(org.folder() == fs::path("/cache/models--google--bert_uncased_L-2_H-128_A-2"));
  CHECK(org.snapshot("abc") == org.folder() / "snapshots" / "abc");
  CHECK(org.incomplete_blob("e1") == org.folder() / "blobs" / "e1.incomplete");
  CHECK(org.blob_lock("e1") == fs::path("/cache/.locks/models--google--bert_uncased_L-2_H-128_A-2/e1.lock"));
}
