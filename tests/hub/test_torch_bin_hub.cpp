// from_pretrained's fallback to pytorch_model.bin against a real HTTP server (fake_hub.h): the hub
// is asked for model.safetensors first, as transformers does, and pytorch_model.bin is fetched only
// when that is a 404, which is remembered in the cache (.no_exist) so the next run asks nothing.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "bert/checkpoint.h"      // defines: from_pretrained
#include "bert/for_masked_lm.h"   // defines: BertForMaskedLM
#include "hub/error.h"            // defines: HubError
#include "tests/hub/fake_hub.h"   // defines: FakeHub, count, kCommit
#include "tests/support/all_close.h"  // defines: same_bits

using namespace bertlab;
using namespace bertlab::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// tests/fixtures/torch-bin/tiny-mlm (tests/golden/make_torch_bin.py): config.json, model.safetensors
// and pytorch_model.bin of one tiny BertForMaskedLM.
const fs::path kTinyMlm = fs::path(BERTLAB_SOURCE_DIR) / "tests" / "fixtures" / "torch-bin" / "tiny-mlm";

// A started fake hub serving `files` of tiny-mlm as "bertlab/tiny-mlm"; nullptr without nginx.
std::unique_ptr<FakeHub> tiny_mlm_hub(const std::vector<std::string>& files) {
  if (!have_nginx()) return nullptr;
  auto hub = std::make_unique<FakeHub>();
  hub->add_repo("bertlab/tiny-mlm", kTinyMlm, files, {"model.safetensors", "pytorch_model.bin"});
  hub->start();
  return hub;
}

// nginx writes a request's log line once the response is sent, which may be just after the
// client has returned: wait (at most 2 s) until `part` is in the log, then return the log.
std::string log_with(const FakeHub& hub, const std::string& part) {
  for (int i = 0; i < 200 && count(hub.server->access_log(), part) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return hub.server->access_log();
}

bool same_parameters(const nn::Module& a, const nn::Module& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i)
    if (pa[i].first != pb[i].first || !same_bits(pa[i].second, pb[i].second)) return false;
  return true;
}

}  // namespace

TEST_CASE("from_pretrained: a hub repo without model.safetensors is loaded from its pytorch_model.bin", "[hub][torch_file]") {
  auto hub = tiny_mlm_hub({"config.json", "pytorch_model.bin"});
  if (!hub) return;
  const auto model = bert::from_pretrained<bert::BertForMaskedLM>("bertlab/tiny-mlm");
  const auto twin = bert::from_pretrained<bert::BertForMaskedLM>(kTinyMlm.string());  // its model.safetensors
  CHECK(same_parameters(*model, *twin));
  const fs::path repo = hub->cache / "models--bertlab--tiny-mlm";
  CHECK(fs::exists(repo / "snapshots" / kCommit / "pytorch_model.bin"));
  CHECK(fs::exists(repo / ".no_exist" / kCommit / "model.safetensors"));
  const std::string log = log_with(*hub, "GET /cdn/bertlab/tiny-mlm/pytorch_model.bin 200");
  CHECK(count(log, "HEAD /bertlab/tiny-mlm/resolve/" + kCommit + "/model.safetensors") == 1);
  CHECK(count(log, "GET /cdn/bertlab/tiny-mlm/pytorch_model.bin 200") == 1);
  // The next load asks the hub nothing: the 404 is remembered.
  bert::from_pretrained<bert::BertForMaskedLM>("bertlab/tiny-mlm");
  CHECK(hub->server->access_log() == log);
}

TEST_CASE("from_pretrained: a hub repo with both weight files downloads only model.safetensors", "[hub][torch_file]") {
  auto hub = tiny_mlm_hub({"config.json", "model.safetensors", "pytorch_model.bin"});
  if (!hub) return;
  bert::from_pretrained<bert::BertForMaskedLM>("bertlab/tiny-mlm");
  const std::string log = log_with(*hub, "GET /cdn/bertlab/tiny-mlm/model.safetensors 200");
  CHECK(count(log, "GET /cdn/bertlab/tiny-mlm/model.safetensors 200") == 1);
  CHECK(count(log, "pytorch_model.bin") == 0);
}

TEST_CASE("from_pretrained: a hub repo with neither weight file is an error naming both URLs", "[hub][torch_file]") {
  auto hub = tiny_mlm_hub({"config.json"});
  if (!hub) return;
  const std::string base = hub->server->url() + "/bertlab/tiny-mlm/resolve/" + kCommit + "/";
  CHECK_THROWS_WITH(bert::from_pretrained<bert::BertForMaskedLM>("bertlab/tiny-mlm"),
                    Contains("has none of model.safetensors, pytorch_model.bin") &&
                        Contains(base + "model.safetensors") && Contains(base + "pytorch_model.bin") &&
                        Contains("HTTP 404"));
}
