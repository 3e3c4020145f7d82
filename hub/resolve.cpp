#include "hub/resolve.h"  // defines: resolve_model

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hub/bundled.h"   // defines: bundled_model
#include "hub/cache.h"     // defines: hub_cache_dir, hub_endpoint, hub_offline, is_repo_id, RepoCache, FileLock
#include "hub/download.h"  // defines: fetch_metadata, download_file
#include "hub/error.h"     // defines: HubError, NetworkError

namespace bertlab::hub {

namespace fs = std::filesystem;

namespace {

const std::string kRevision = "main";  // the branch transformers loads unless told otherwise

// What a user without a network can do, for the end of an error message.
std::string how_to_get(const std::string& name, const RepoCache& cache) {
  return fmt::format(
      "Hint: set HF_ENDPOINT to a reachable hub mirror; or put a HuggingFace model folder (config.json, "
      "model.safetensors, vocab.txt) at ./{0} or pass its path; or, on a machine with Python and internet, run "
      "`huggingface-cli download {0}` and copy its ~/.cache/huggingface/hub/{1} to {2}. HF_HUB_OFFLINE=1 "
      "forbids downloads and uses only the cache",
      name, cache.folder().filename().string(), cache.folder().string());
}

// The cached snapshot of `main` when it holds every required file, every optional one unless the
// hub said it has none (or we are offline and cannot ask), and the first of `one_of` that the hub has.
std::optional<fs::path> cached_snapshot(const RepoCache& cache, const std::vector<std::string>& required,
                                        const std::vector<std::string>& optional,
                                        const std::vector<std::string>& one_of, bool offline) {
  const std::optional<std::string> commit = cache.ref(kRevision);
  if (!commit) return std::nullopt;
  const fs::path snapshot = cache.snapshot(*commit);
  for (const std::string& file : required)
    if (!fs::exists(snapshot / file)) return std::nullopt;  // exists() follows the symlink to the blob
  for (const std::string& file : optional)
    if (!offline && !fs::exists(snapshot / file) && !cache.is_marked_missing(*commit, file)) return std::nullopt;
  // An alternative is passed over only when the hub said it has none (or we cannot ask).
  for (const std::string& file : one_of) {
    if (fs::exists(snapshot / file)) return snapshot;
    if (!offline && !cache.is_marked_missing(*commit, file)) return std::nullopt;
  }
  if (!one_of.empty()) return std::nullopt;
  return snapshot;
}

// Fetch one file into the cache and link it into the snapshot. `revision` is "main" for the first
// file and then the commit it resolved to, so that every file comes from the same commit even if
// someone pushes meanwhile. Returns false when an optional file does not exist.
bool fetch_into_cache(const std::string& repo, const std::string& file, bool required, std::string& revision,
                      const RepoCache& cache, const std::string& caller) {
  const std::string url = fmt::format("{}/{}/resolve/{}/{}", hub_endpoint(), repo, revision, file);
  const std::optional<FileMetadata> meta = fetch_metadata(url);
  if (!meta && required)
    throw HubError(fmt::format("{}: \"{}\" has no {}: GET {} answered HTTP 404. Hint: is the name right, "
                               "and is it a BERT model repo?",
                               caller, repo, file, url));
  if (!meta) {
    if (revision != kRevision) cache.mark_missing(revision, file);
    return false;
  }
  if (revision == kRevision) cache.write_ref(kRevision, meta->commit);
  revision = meta->commit;
  // Another process (bertlab or Python) may be fetching this blob: wait for it, then look again.
  const FileLock lock(cache.blob_lock(meta->etag), file);
  if (!fs::exists(cache.blob(meta->etag)))  // Python or that other process may have fetched it already
    download_file(url, *meta, cache.incomplete_blob(meta->etag), cache.blob(meta->etag), file);
  cache.link(meta->commit, file, meta->etag);
  return true;
}

// The first of `one_of` the hub has (each 404 is remembered, as for an optional file).
void fetch_first_of(const std::string& repo, const std::vector<std::string>& one_of, std::string& revision,
                    const RepoCache& cache, const std::string& caller) {
  std::vector<std::string> urls;
  for (const std::string& file : one_of) {
    if (fetch_into_cache(repo, file, false, revision, cache, caller)) return;
    urls.push_back(fmt::format("{}/{}/resolve/{}/{}", hub_endpoint(), repo, revision, file));
  }
  if (!one_of.empty())
    throw HubError(fmt::format("{}: \"{}\" has none of {}: GET {} answered HTTP 404. Hint: is it a BERT model "
                               "repo? (a sharded checkpoint, model.safetensors.index.json, is not supported)",
                               caller, repo, fmt::join(one_of, ", "), fmt::join(urls, " and ")));
}

// A local model's files must be regular files (or symlinks to them): reading a FIFO waits for a
// writer that may never come, and a folder cannot be read at all. `path` is a folder holding
// `files`, or (a tokenizer's vocab.txt) the file itself.
void check_regular_files(const fs::path& path, const std::vector<std::string>& files, const std::string& caller) {
  std::vector<fs::path> paths;
  if (!fs::is_directory(path)) paths.push_back(path);
  else for (const std::string& file : files) paths.push_back(path / file);
  for (const fs::path& file : paths) {
    const fs::file_type type = fs::status(file).type();
    if (type == fs::file_type::not_found || type == fs::file_type::regular) continue;
    const char* kind = type == fs::file_type::directory ? "a folder"
                       : type == fs::file_type::fifo    ? "a FIFO"
                                                        : "a special file";
    throw HubError(fmt::format("{}: {} is not a regular file: expected a file, got {}. Hint: put the model's "
                               "file there",
                               caller, file.string(), kind));
  }
}

}  // namespace

fs::path resolve_model(const std::string& name_or_path, const std::vector<std::string>& required_files,
                       const std::vector<std::string>& optional_files, const std::string& caller,
                       const std::vector<std::string>& one_of) {
  if (fs::exists(name_or_path)) {
    std::vector<std::string> files = required_files;
    files.insert(files.end(), optional_files.begin(), optional_files.end());
    files.insert(files.end(), one_of.begin(), one_of.end());
    check_regular_files(name_or_path, files, caller);
    return name_or_path;
  }
  if (const auto folder = bundled_model(name_or_path))  // "bertlab-mini": one of bertlab's own, no hub needed
    return resolve_model(folder->string(), required_files, optional_files, caller, one_of);
  if (!is_repo_id(name_or_path))
    throw HubError(fmt::format("{}: model not found: expected a folder or a hub name such as \"bert-base-uncased\", "
                               "got \"{}\", which is neither an existing path nor a valid repo id. "
                               "Hint: check the path",
                               caller, name_or_path));
  const RepoCache cache(hub_cache_dir(), name_or_path);
  const bool offline = hub_offline();
  if (auto snapshot = cached_snapshot(cache, required_files, optional_files, one_of, offline)) return *snapshot;
  if (offline)
    throw HubError(fmt::format("{}: model not found offline: expected a folder \"{}\" or the model in the "
                               "HuggingFace cache at {}, got neither, and HF_HUB_OFFLINE=1 forbids downloads "
                               "(unset it to download). {}",
                               caller, name_or_path, cache.folder().string(), how_to_get(name_or_path, cache)));
  std::string revision = kRevision;
  try {
    for (const std::string& file : required_files)
      fetch_into_cache(name_or_path, file, true, revision, cache, caller);
    for (const std::string& file : optional_files)
      fetch_into_cache(name_or_path, file, false, revision, cache, caller);
    fetch_first_of(name_or_path, one_of, revision, cache, caller);
  } catch (const NetworkError& e) {
    throw HubError(fmt::format("{}: cannot download \"{}\" ({}), and it is not in the cache at {}. {}", caller,
                               name_or_path, e.what(), cache.folder().string(), how_to_get(name_or_path, cache)));
  }
  return cache.snapshot(revision);
}

}  // namespace bertlab::hub
