// The hub's HTTP answers, turned into what the cache is named by, and checked first.
//
// The hub's headers become file names: X-Repo-Commit names snapshots/<commit>/ and refs/main,
// the etag names blobs/<etag>. A server (a mirror, a proxy, a captive portal) can answer
// anything, so each value must be what the hub sends, hex digits of a known length, before it
// names a path:
//   X-Repo-Commit: 0123…4567         (40 hex: a git commit)             -> commit "0123…4567"
//   ETag: W/"a1b2…"                  (40 hex: the git hash of a small file) -> etag "a1b2…"
//   X-Linked-Etag: "9f86…"           (64 hex: the sha256 of an LFS file)    -> etag "9f86…"
//   X-Repo-Commit: ../../x, ETag: "/etc/x", ETag: "65f1a2-223" -> HubError, nothing is written
// Pure functions, no I/O, so that fuzz/fuzz_hub_headers.cpp can feed them any bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bertlab::hub {

using Headers = std::map<std::string, std::string>;  // one response: lowercase name -> value

// Adds one raw header line of a transfer to `responses`: "HTTP/1.1 302 Found" starts a new
// response (a redirect is followed by another), "ETag: \"a1b2\"\r\n" adds etag -> "a1b2" (quotes
// are kept; surrounding blanks and the line end are not).
void add_header_line(std::vector<Headers>& responses, std::string_view line);

// A git object name (commits and the hub's small files): 40 lowercase hex digits.
bool is_git_hash(const std::string& text);
// An LFS file's sha256: 64 lowercase hex digits.
bool is_sha256(const std::string& text);

// What the hub says about one file of one revision.
struct FileMetadata {
  std::string commit;            // X-Repo-Commit: the commit the revision ("main") points at
  std::string etag;              // X-Linked-Etag (LFS: the sha256), else ETag (the git hash)
  std::optional<uint64_t> size;  // X-Linked-Size, else the final response's Content-Length
};

// The metadata of a successful HEAD `url` from the headers of its responses (redirects first).
// The etag loses a W/ prefix and its quotes, as huggingface_hub's _normalize_etag does. Throws
// HubError naming the header and `url` when the commit is not a git hash or the etag neither a
// git hash nor a sha256; an unreadable size is left unknown (the hash check covers it).
FileMetadata metadata_from_headers(const std::vector<Headers>& responses, const std::string& url);

// `text` as it can safely appear inside a one-line message: at most 80 characters, bytes that
// are not printable ASCII as \xNN.
std::string printable(const std::string& text);

}  // namespace bertlab::hub
