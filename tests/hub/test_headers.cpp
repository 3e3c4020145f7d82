// The hub's answers as the cache names things (hub/headers.h), and the hashes that check what a
// download brought (hub/download.h), without a network.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "hub/download.h"        // defines: git_hash_file, sha256_file
#include "hub/error.h"           // defines: HubError
#include "hub/headers.h"         // defines: add_header_line, metadata_from_headers, is_git_hash, is_sha256
#include "tests/hub/fake_hub.h"  // defines: git_hash_object, sha256sum, kCommit

using namespace bertlab::hub;
using bertlab::testing::git_hash_object;
using bertlab::testing::kCommit;
using bertlab::testing::sha256sum;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kGitHash = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const std::string kSha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kUrl = "http://hub/bert-base-uncased/resolve/main/config.json";

// The responses of one transfer, from its raw header lines.
std::vector<Headers> responses(const std::vector<std::string>& lines) {
  std::vector<Headers> out;
  for (const std::string& line : lines) add_header_line(out, line + "\r\n");
  return out;
}

}  // namespace

TEST_CASE("add_header_line: one map per response, lowercase names, values trimmed", "[hub]") {
  const auto r = responses({"HTTP/1.1 302 Found", "X-Repo-Commit:  " + kCommit + " ", "Location: /cdn/x", "",
                            "HTTP/1.1 200 OK", "ETag: W/\"" + kGitHash + "\"", "Content-Length: 547"});
  REQUIRE(r.size() == 2);
  CHECK(r[0].at("x-repo-commit") == kCommit);
  CHECK(r[0].at("location") == "/cdn/x");
  CHECK(r[1].at("etag") == "W/\"" + kGitHash + "\"");  // quotes stay; metadata_from_headers removes them
  CHECK(r[1].at("content-length") == "547");
}

TEST_CASE("metadata_from_headers: an LFS file and a git file as the hub describes them", "[hub]") {
  // LFS: the hub's redirect carries the sha256 and size; the CDN's own ETag is not the file's hash.
  const FileMetadata lfs = metadata_from_headers(
      responses({"HTTP/1.1 302 Found", "X-Repo-Commit: " + kCommit, "X-Linked-Etag: \"" + kSha256 + "\"",
                 "X-Linked-Size: 440473133", "HTTP/1.1 200 OK", "ETag: \"d41d8cd98f00b204e9800998ecf8427e\"",
                 "Content-Length: 440473133"}),
      kUrl);
  CHECK(lfs.commit == kCommit);
  CHECK(lfs.etag == kSha256);
  CHECK(lfs.size == 440473133u);
  // A small file: the git hash in ETag (weak or not), the size from the last Content-Length.
  const FileMetadata git = metadata_from_headers(
      responses({"HTTP/1.1 200 OK", "X-Repo-Commit: " + kCommit, "ETag: W/\"" + kGitHash + "\"",
                 "Content-Length: 547"}),
      kUrl);
  CHECK(git.etag == kGitHash);
  CHECK(git.size == 547u);
}

TEST_CASE("metadata_from_headers: a commit or etag that is not a hash names the header and URL", "[hub]") {
  const std::string good_etag = "ETag: \"" + kGitHash + "\"";
  SECTION("X-Repo-Commit") {
    const std::string commit = GENERATE(as<std::string>(), "../../x", "/etc", "", "main", kCommit + "0",
                                        "0123456789ABCDEF0123456789ABCDEF01234567", "x\x1b[2J");
    CAPTURE(commit);
    CHECK_THROWS_WITH(
        metadata_from_headers(responses({"HTTP/1.1 200 OK", "X-Repo-Commit: " + commit, good_etag}), kUrl),
                      Contains("X-Repo-Commit is not a commit hash") && Contains(kUrl) && !Contains("\x1b"));
  }
  SECTION("ETag") {
    // 63 hex digits; a hash with a stray quote left after the pair is removed.
    const std::string etag = GENERATE(as<std::string>(), "\"/etc/passwd\"", "\"../../x\"", "\"65f1a2b3-223\"", "W/",
                                      kSha256.substr(1), kGitHash + "\"\"");
    CAPTURE(etag);
    CHECK_THROWS_WITH(
        metadata_from_headers(responses({"HTTP/1.1 200 OK", "X-Repo-Commit: " + kCommit, "ETag: " + etag}), kUrl),
        Contains("ETag is not a file hash") && Contains(kUrl));
  }
  SECTION("missing headers") {
    CHECK_THROWS_WITH(metadata_from_headers(responses({"HTTP/1.1 200 OK", good_etag}), kUrl),
                      Contains("X-Repo-Commit") && Contains("got no such header"));
    CHECK_THROWS_WITH(metadata_from_headers(responses({"HTTP/1.1 200 OK", "X-Repo-Commit: " + kCommit}), kUrl),
                      Contains("ETag") && Contains("got no such header"));
  }
}

TEST_CASE("metadata_from_headers: a size that is not a 64-bit number is unknown, not an error", "[hub]") {
  for (const char* size : {"99999999999999999999999", "-1", "12abc", ""}) {
    CAPTURE(size);
    const FileMetadata meta = metadata_from_headers(
        responses({"HTTP/1.1 200 OK", "X-Repo-Commit: " + kCommit, "ETag: \"" + kGitHash + "\"",
                   std::string("Content-Length: ") + size}),
        kUrl);
    CHECK(!meta.size);
  }
}

TEST_CASE("git_hash_file and sha256_file agree with git hash-object and sha256sum", "[hub]") {
  const fs::path path = fs::temp_directory_path() / ("bertlab-hash-" + std::to_string(::getpid()));
  for (const std::string& content : {std::string(), std::string("hello\n"), std::string("a\0b", 3)}) {
    std::ofstream(path, std::ios::binary) << content;
    CHECK(git_hash_file(path) == git_hash_object(path));
    CHECK(sha256_file(path) == sha256sum(path));
  }
  std::ofstream(path) << "hello\n";
  CHECK(git_hash_file(path) == "ce013625030ba8dba906f756967f9e9ca394464a");  // git's own, for "hello\n"
  fs::remove(path);
}
