// libFuzzer target for what a server's headers become in the cache (hub/headers.h, hub/cache.h):
// any bytes must give either a commit and an etag whose paths lie where the cache layout puts
// them, or a HubError with a one-line message; never a crash, a hang, another exception, or a
// path that climbs out (ASan + UBSan watch the rest).
//
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DBERTLAB_FUZZ=ON -DBERTLAB_TESTS=OFF
//   cmake --build build-fuzz -j2 --target fuzz_hub_headers
//   mkdir -p /tmp/hub-corpus && ./build-fuzz/fuzz/fuzz_hub_headers -write_seeds=/tmp/hub-corpus
//   ./build-fuzz/fuzz/fuzz_hub_headers -runs=1000000 -dict=fuzz/hub_headers.dict /tmp/hub-corpus
//
// An input is the header lines of one transfer (its redirects, then the final answer) separated
// by '\n', as libcurl hands them over one at a time.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/write_seeds.h"  // defines: write_seeds_if_asked
#include "hub/cache.h"         // defines: RepoCache
#include "hub/error.h"         // defines: HubError
#include "hub/headers.h"       // defines: add_header_line, metadata_from_headers

using namespace bertlab::hub;
namespace fs = std::filesystem;

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant broke: let the fuzzer report the input
}

// Seeds: what the hub answers for an LFS file (a redirect to its CDN) and for a small git file.
void write_seeds(const std::string& dir) {
  const std::string commit = "0123456789abcdef0123456789abcdef01234567";
  const std::string sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  std::ofstream(dir + "/lfs.txt") << "HTTP/1.1 302 Found\nX-Repo-Commit: " << commit << "\nX-Linked-Etag: \"" << sha256
                                  << "\"\nX-Linked-Size: 440473133\nLocation: https://cdn/x\n\nHTTP/1.1 200 OK\n"
                                     "ETag: \"d41d8cd98f00b204e9800998ecf8427e\"\nContent-Length: 440473133\n";
  std::ofstream(dir + "/git.txt") << "HTTP/1.1 200 OK\nX-Repo-Commit: " << commit
                                  << "\nETag: W/\"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\"\nContent-Length: 547\n";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Headers> responses;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    add_header_line(responses, text.substr(start, end - start));
    start = end + 1;
  }
  try {
    const FileMetadata meta = metadata_from_headers(responses, "http://hub/org/name/resolve/main/config.json");
    // Each name becomes one path component, exactly where the layout puts it.
    const RepoCache cache("/cache", "org/name");
    check(cache.blob(meta.etag).parent_path() == cache.folder() / "blobs");
    check(cache.blob(meta.etag).filename() == meta.etag);
    check(cache.incomplete_blob(meta.etag).parent_path() == cache.folder() / "blobs");
    check(cache.blob_lock(meta.etag).parent_path() == fs::path("/cache/.locks/models--org--name"));
    check(cache.snapshot(meta.commit).parent_path() == cache.folder() / "snapshots");
    check(cache.snapshot(meta.commit).filename() == meta.commit);
  } catch (const HubError& e) {
    check(std::string_view(e.what()).find('\n') == std::string_view::npos);
  }
  return 0;
}
