// One file from the hub: ask what it is (HEAD), then fetch it (GET) resumably and verify it.
//
//   auto meta = fetch_metadata("https://huggingface.co/bert-base-uncased/resolve/main/vocab.txt");
//   // meta->commit: 40 hex digits; meta->etag: vocab.txt's git hash (a sha256 for LFS files);
//   // meta->size: 231508
//   download_file(url, *meta, cache.incomplete_blob(meta->etag), cache.blob(meta->etag), "vocab.txt");
//
// The hub answers resolve/ URLs of large (LFS) files with a redirect to its CDN; the headers that
// matter (X-Repo-Commit, X-Linked-Etag = the sha256, X-Linked-Size) may be on any response of the
// redirect chain, so every response's headers are read. Uses libcurl.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "hub/headers.h"  // defines: FileMetadata

namespace bertlab::hub {

// HEAD `url`, following redirects. nullopt when the server answers 404 (no such file); throws
// NetworkError when the server cannot be reached and HubError for any other failure, such as a
// commit or etag that is not a hash (headers.h).
std::optional<FileMetadata> fetch_metadata(const std::string& url);

// GET `url` into `incomplete`, resuming with an HTTP Range request when `incomplete` already holds
// a first part; show a progress bar named `label`; check the size and the hash the etag names
// (the sha256 of an LFS file, the git hash of a small one); then rename it to `destination`. A
// transfer cut short keeps `incomplete` for the next run; an answer that fails its check is
// deleted (a captive portal's page never becomes the first part of a file), nothing is renamed.
// A transfer slower than 1 kB/s for HF_HUB_DOWNLOAD_TIMEOUT seconds (default 10) is given up.
void download_file(const std::string& url, const FileMetadata& meta, const std::filesystem::path& incomplete,
                   const std::filesystem::path& destination, const std::string& label);

// The sha256 of a file as 64 lowercase hex digits (what the hub's LFS etags are).
std::string sha256_file(const std::filesystem::path& path);
// The git hash of a file as 40 lowercase hex digits (the etag of the hub's small files): the
// SHA-1 of "blob <size>\0" followed by the content, what `git hash-object <file>` prints.
std::string git_hash_file(const std::filesystem::path& path);

}  // namespace bertlab::hub
