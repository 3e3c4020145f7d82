// The HuggingFace cache on disk, laid out exactly as Python's huggingface_hub lays it out, so
// that Python and bertlab share one copy of every model:
//
//   ~/.cache/huggingface/hub/models--google--bert_uncased_L-2_H-128_A-2/
//     refs/main                      the commit "main" pointed at, 40 hex digits
//     blobs/<etag>                   the bytes, named by their hash (sha256 for big files)
//     snapshots/<commit>/config.json -> ../../blobs/<etag>   (a symlink; a copy where it fails)
//     .no_exist/<commit>/<file>      empty: "the hub said 404 for this optional file"
//   ~/.cache/huggingface/hub/.locks/models--google--bert_uncased_L-2_H-128_A-2/<etag>.lock
//                                    held by the one process that downloads blobs/<etag>
//
// The environment decides where the cache is and whether the network may be used; the
// variables and their defaults are huggingface_hub's (docs/models.md lists them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace bertlab::hub {

// ---------------------------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------------------------

// $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
// ~/.cache/huggingface/hub.
std::filesystem::path hub_cache_dir();

// $HF_ENDPOINT without a trailing '/', else "https://huggingface.co".
std::string hub_endpoint();

// True when $HF_HUB_OFFLINE is 1, ON, YES or TRUE (any case): never touch the network.
bool hub_offline();

// A string is a repo id when it is "name" (a legacy id such as "bert-base-uncased") or
// "org/name", each part made of letters, digits, '-', '_' and '.', without "--" or "..".
bool is_repo_id(const std::string& name);

// ---------------------------------------------------------------------------------------------
// One repository's folder in the cache
// ---------------------------------------------------------------------------------------------

class RepoCache {
 public:
  // "google/bert_uncased_L-2_H-128_A-2" -> <cache_dir>/models--google--bert_uncased_L-2_H-128_A-2
  RepoCache(std::filesystem::path cache_dir, const std::string& repo_id);

  const std::filesystem::path& folder() const { return folder_; }

  // The commit refs/<revision> points at, if the file exists. A file that holds anything but a
  // commit hash is an error naming it: its content becomes a path (snapshots/<commit>).
  std::optional<std::string> ref(const std::string& revision) const;
  void write_ref(const std::string& revision, const std::string& commit) const;  // atomic

  std::filesystem::path snapshot(const std::string& commit) const;
  std::filesystem::path blob(const std::string& etag) const;
  std::filesystem::path incomplete_blob(const std::string& etag) const;  // blobs/<etag>.incomplete
  std::filesystem::path blob_lock(const std::string& etag) const;  // <cache_dir>/.locks/models--.../<etag>.lock

  // snapshots/<commit>/<file> -> ../../blobs/<etag> as a relative symlink, or a copy of the blob
  // where the file system refuses symlinks. Replaces what was there.
  void link(const std::string& commit, const std::string& file, const std::string& etag) const;

  // Remember (in .no_exist/) that the hub has no `file` at `commit`, so that a later run need not
  // ask again; and ask whether it was remembered.
  void mark_missing(const std::string& commit, const std::string& file) const;
  bool is_marked_missing(const std::string& commit, const std::string& file) const;

 private:
  std::filesystem::path folder_;
};

// ---------------------------------------------------------------------------------------------
// One process at a time
// ---------------------------------------------------------------------------------------------

// An exclusive flock() on a lock file, held while the object lives: huggingface_hub takes the
// same lock (blob_lock, through the filelock package) while it fetches and links a blob, so
// neither two bertlab processes nor bertlab and Python ever write one blob at the same time.
// When another process holds it, this says so on stderr, naming `what`, and waits.
class FileLock {
 public:
  FileLock(const std::filesystem::path& path, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace bertlab::hub
