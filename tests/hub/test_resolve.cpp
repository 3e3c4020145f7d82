// resolve_model against a real HTTP server: nginx on 127.0.0.1 serving a hub-shaped copy of the
// tiny-bert fixture (fake_hub.h), into an HF cache in a temporary folder.
#include <catch2/catch.hpp>

#include <fstream>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "bert/for_masked_lm.h"        // defines: BertForMaskedLM
#include "hub/error.h"                 // defines: HubError
#include "hub/resolve.h"               // defines: resolve_model
#include "tests/hub/fake_hub.h"        // defines: FakeHub, tiny_bert_hub, resolve, count, sha256sum, kCommit
#include "tests/support/all_close.h"   // defines: AllClose
#include "tests/support/fixtures.h"    // defines: fixture
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

using namespace bertlab;
using namespace bertlab::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("resolve_model: downloads into the HF cache layout, model and tokenizer load from it", "[hub]") {
  auto hub = tiny_bert_hub();
  if (!hub) return;
  auto fixture_dir = *fixture("models/tiny-bert");
  const fs::path repo = hub->cache / "models--bertlab--tiny-bert";
  auto model = bert::from_pretrained<bert::BertForMaskedLM>("bertlab/tiny-bert");
  auto tokenizer = tokenizer::BertTokenizer::from_pretrained("bertlab/tiny-bert");

  // The layout huggingface_hub writes: refs/main, blobs named by sha256, relative symlinks.
  std::ifstream ref(repo / "refs" / "main");
  std::string commit;
  ref >> commit;
  CHECK(commit == kCommit);
  const std::string sha = sha256sum(fixture_dir / "model.safetensors");
  const fs::path weights = repo / "snapshots" / kCommit / "model.safetensors";
  REQUIRE(fs::is_symlink(weights));
  CHECK(fs::read_symlink(weights) == fs::path("../../blobs") / sha);
  CHECK(sha256sum(repo / "blobs" / sha) == sha);
  for (const std::string& file : kTinyBertFiles)
    CHECK(sha256sum(repo / "snapshots" / kCommit / file) == sha256sum(fixture_dir / file));

  // The downloaded model and tokenizer reproduce HF's golden numbers.
  const SafetensorsFile golden = SafetensorsFile::open(fixture_dir / "golden.safetensors");
  const auto logits = model->forward(golden.int_tensor("input_ids"), golden.int_tensor("attention_mask"),
                                     golden.int_tensor("token_type_ids")).logits;
  CHECK_THAT(logits, AllClose(golden.tensor("mlm_logits"), 1e-5, 1e-5));
  const IntTensor ids = golden.int_tensor("input_ids");  // row 0: [CLS] this is a [MASK] sentence [SEP]
  const std::vector<int64_t> row0(ids.data.begin(), ids.data.begin() + 7);
  CHECK(tokenizer("this is a [MASK] sentence").input_ids == row0);
}

TEST_CASE("resolve_model: a cached model is used without touching the network", "[hub]") {
  auto hub = tiny_bert_hub();
  if (!hub) return;
  const fs::path first = resolve("bertlab/tiny-bert");
  const size_t requests = count(hub->server->access_log(), "\n");
  CHECK(requests == 8);  // 2 files x (HEAD + GET) x (the resolve/ redirect, then the CDN)
  CHECK(resolve("bertlab/tiny-bert") == first);
  CHECK(count(hub->server->access_log(), "\n") == requests);
  hub->server->stop();  // HF_ENDPOINT now names a closed port
  CHECK(resolve("bertlab/tiny-bert") == first);
  CHECK(first == hub->cache / "models--bertlab--tiny-bert" / "snapshots" / kCommit);
}

TEST_CASE("resolve_model: HF_HUB_OFFLINE=1 uses the cache and never the network", "[hub]") {
  auto hub = tiny_bert_hub();
  if (!hub) return;
  const fs::path cached = resolve("bertlab/tiny-bert");
  const std::string log = hub->server->access_log();
  for (const char* value : {"1", "true", "YES"}) {
    hub->env.set("HF_HUB_OFFLINE", value);
    CHECK(resolve("bertlab/tiny-bert") == cached);
    CHECK_THROWS_WITH(resolve("bertlab/other-bert"),
                      Contains("model not found offline") && Contains("HF_HUB_OFFLINE=1 forbids downloads") &&
                          Contains("huggingface-cli download bertlab/other-bert") &&
                          Contains((hub->cache / "models--bertlab--other-bert").string()));
  }
  CHECK(hub->server->access_log() == log);
}

TEST_CASE("resolve_model: a required file the hub lacks is an error naming the URL and status", "[hub]") {
  auto dir = fixture("models/tiny-bert");
  if (!dir || !have_nginx()) return;
  FakeHub hub;  // a legacy repo id (no org), without weights and without tokenizer_config.json
  hub.add_repo("tiny-bert-legacy", *dir, {"config.json", "vocab.txt"}, {});
  hub.start();
  const std::string url = hub.server->url() + "/tiny-bert-legacy/resolve/" + kCommit + "/model.safetensors";
  CHECK_THROWS_WITH(resolve("tiny-bert-legacy"), Contains(url) && Contains("HTTP 404"));
  CHECK(!fs::exists(hub.cache / "models--tiny-bert-legacy" / "snapshots" / kCommit / "model.safetensors"));
  // An optional file that 404s is skipped, and remembered so the next run need not ask.
  const auto tokenizer = tokenizer::BertTokenizer::from_pretrained("tiny-bert-legacy");
  CHECK(tokenizer.tokenize("hello") == std::vector<std::string>{"hello"});
  CHECK(fs::exists(hub.cache / "models--tiny-bert-legacy" / ".no_exist" / kCommit / "tokenizer_config.json"));
  const std::string log = hub.server->access_log();
  tokenizer::BertTokenizer::from_pretrained("tiny-bert-legacy");
  CHECK(hub.server->access_log() == log);
}

TEST_CASE("resolve_model: an unreachable server says how to get the model without a network", "[hub]") {
  FakeHub hub;  // never started: no server at all
  hub.env.set("HF_ENDPOINT", "http://127.0.0.1:" + std::to_string(free_port()));  // nobody listens
  CHECK_THROWS_WITH(resolve("bert-base-uncased"),
                    Contains("cannot download \"bert-base-uncased\"") && Contains("set HF_ENDPOINT") &&
                        Contains("huggingface-cli download bert-base-uncased") &&
                        Contains("models--bert-base-uncased") && Contains("HF_HUB_OFFLINE=1"));
  CHECK_THROWS_WITH(resolve("/no/such/folder"), Contains("model not found") && Contains("/no/such/folder"));
}

TEST_CASE("resolve_model: an interrupted download resumes with a Range request", "[hub]") {
  auto hub = tiny_bert_hub();
  if (!hub) return;
  const fs::path source = *fixture("models/tiny-bert") / "model.safetensors";
  const std::string sha = sha256sum(source);
  const uint64_t half = fs::file_size(source) / 2;
  const fs::path blobs = hub->cache / "models--bertlab--tiny-bert" / "blobs";
  fs::create_directories(blobs);
  {  // what a download cut at half left behind
    std::ifstream in(source, std::ios::binary);
    std::string bytes(half, '\0');
    in.read(bytes.data(), half);
    std::ofstream(blobs / (sha + ".incomplete"), std::ios::binary) << bytes;
  }
  resolve("bertlab/tiny-bert");
  CHECK(sha256sum(blobs / sha) == sha);
  CHECK(!fs::exists(blobs / (sha + ".incomplete")));
  CHECK(count(hub->server->access_log(), "GET /cdn/bertlab/tiny-bert/model.safetensors 206 bytes=" +
                                             std::to_string(half) + "-") == 1);
}

TEST_CASE("resolve_model: a download whose sha256 differs from the hub's is rejected", "[hub]") {
  const std::string wrong(64, 'e');
  auto hub = tiny_bert_hub([&](FakeHub& hub) { hub.etags["model.safetensors"] = wrong; });
  if (!hub) return;
  CHECK_THROWS_WITH(resolve("bertlab/tiny-bert"), Contains("corrupted") && Contains("expected sha256 " + wrong));
  const fs::path repo = hub->cache / "models--bertlab--tiny-bert";
  CHECK(!fs::exists(repo / "blobs" / wrong));
  CHECK(!fs::exists(repo / "blobs" / (wrong + ".incomplete")));
  CHECK(!fs::exists(repo / "snapshots" / kCommit / "model.safetensors"));
}
