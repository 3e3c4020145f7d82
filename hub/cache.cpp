#include "hub/cache.h"  // defines: hub_cache_dir, hub_endpoint, hub_offline, is_repo_id, RepoCache, FileLock

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include "hub/error.h"    // defines: HubError
#include "hub/headers.h"  // defines: is_git_hash, printable

namespace bertlab::hub {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------------------------

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// "~/x" -> "$HOME/x", as Python's os.path.expanduser does for these variables.
fs::path expand_user(const std::string& path) {
  if (path == "~" || path.rfind("~/", 0) == 0) return env("HOME") + path.substr(1);
  return path;
}

}  // namespace

fs::path hub_cache_dir() {
  if (std::string cache = env("HF_HUB_CACHE"); !cache.empty()) return expand_user(cache);
  if (std::string home = env("HF_HOME"); !home.empty()) return expand_user(home) / "hub";
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty()) return expand_user(xdg) / "huggingface" / "hub";
  const std::string home = env("HOME");
  if (home.empty())
    throw HubError(
        "hub: cannot place the HuggingFace cache: expected $HF_HUB_CACHE, $HF_HOME or $HOME, got none set. "
        "Hint: export HF_HOME=/some/writable/folder");
  return fs::path(home) / ".cache" / "huggingface" / "hub";
}

std::string hub_endpoint() {
  std::string endpoint = env("HF_ENDPOINT");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint.empty() ? "https://huggingface.co" : endpoint;
}

bool hub_offline() {
  std::string value = env("HF_HUB_OFFLINE");
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::toupper(c); });
  return value == "1" || value == "ON" || value == "YES" || value == "TRUE";
}

namespace {

// One part of a repo id: 1..96 of [A-Za-z0-9_.-], starting and ending with a letter, digit or '_'.
bool is_repo_id_part(const std::string& part) {
  auto word_char = [](unsigned char c) { return std::isalnum(c) || c == '_'; };
  if (part.empty() || part.size() > 96 || !word_char(part.front()) || !word_char(part.back())) return false;
  return std::all_of(part.begin(), part.end(), [&](unsigned char c) { return word_char(c) || c == '-' || c == '.'; });
}

}  // namespace

bool is_repo_id(const std::string& name) {
  if (name.find("--") != std::string::npos || name.find("..") != std::string::npos) return false;
  const size_t slash = name.find('/');
  if (slash == std::string::npos) return is_repo_id_part(name);
  return is_repo_id_part(name.substr(0, slash)) && is_repo_id_part(name.substr(slash + 1));
}

// ---------------------------------------------------------------------------------------------
// One repository's folder in the cache
// ---------------------------------------------------------------------------------------------

namespace {

// "org/name" -> "models--org--name": the cache's folder name for a model repo.
std::string repo_folder_name(std::string repo_id) {
  std::string name = "models";
  size_t slash;
  while ((slash = repo_id.find('/')) != std::string::npos) {
    name += "--" + repo_id.substr(0, slash);
    repo_id = repo_id.substr(slash + 1);
  }
  return name + "--" + repo_id;
}

// Write `text` to `path` through a temporary file and a rename, so readers never see half of it.
// The temporary file is this process's own: two processes may write the same file at once.
void write_atomically(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  const fs::path tmp = fmt::format("{}.{}.tmp", path.string(), getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.good()) throw HubError(fmt::format("hub: cannot write {}. Hint: is the cache writable?", tmp.string()));
  }
  fs::rename(tmp, path);
}

}  // namespace

RepoCache::RepoCache(fs::path cache_dir, const std::string& repo_id)
    : folder_(std::move(cache_dir) / repo_folder_name(repo_id)) {}

std::optional<std::string> RepoCache::ref(const std::string& revision) const {
  const fs::path path = folder_ / "refs" / revision;
  std::ifstream in(path);
  std::string commit;
  if (!(in >> commit)) return std::nullopt;
  if (!is_git_hash(commit))
    throw HubError(fmt::format("hub: {} is not a commit hash: expected 40 hex digits, got \"{}\". Hint: delete "
                               "the file; the next download writes it again",
                               path.string(), printable(commit)));
  return commit;
}

void RepoCache::write_ref(const std::string& revision, const std::string& commit) const {
  write_atomically(folder_ / "refs" / revision, commit);  // no newline, as huggingface_hub writes it
}

fs::path RepoCache::snapshot(const std::string& commit) const { return folder_ / "snapshots" / commit; }
fs::path RepoCache::blob(const std::string& etag) const { return folder_ / "blobs" / etag; }
fs::path RepoCache::incomplete_blob(const std::string& etag) const {
  return folder_ / "blobs" / (etag + ".incomplete");
}
fs::path RepoCache::blob_lock(const std::string& etag) const {
  return folder_.parent_path() / ".locks" / folder_.filename() / (etag + ".lock");
}

void RepoCache::link(const std::string& commit, const std::string& file, const std::string& etag) const {
  const fs::path target = snapshot(commit) / file;
  fs::create_directories(target.parent_path());
  const fs::path tmp = fmt::format("{}.{}.tmp", target.string(), getpid());
  fs::remove(tmp);
  // The link is relative, so the cache folder can be moved or mounted elsewhere and still work.
  const fs::path relative = fs::relative(blob(etag), target.parent_path());
  std::error_code no_symlinks;
  fs::create_symlink(relative, tmp, no_symlinks);
  if (no_symlinks) fs::copy_file(blob(etag), tmp);  // e.g. a FAT or SMB file system
  fs::rename(tmp, target);
}

void RepoCache::mark_missing(const std::string& commit, const std::string& file) const {
  write_atomically(folder_ / ".no_exist" / commit / file, "");
}

bool RepoCache::is_marked_missing(const std::string& commit, const std::string& file) const {
  return fs::exists(folder_ / ".no_exist" / commit / file);
}

// ---------------------------------------------------------------------------------------------
// One process at a time
// ---------------------------------------------------------------------------------------------

FileLock::FileLock(const fs::path& path, const std::string& what) {
  fs::create_directories(path.parent_path());
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw HubError(fmt::format("hub: cannot open the lock file {}: {}. Hint: is the cache writable?", path.string(),
                               std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  std::fprintf(stderr, "%s: another process is downloading it; waiting for it to finish (%s)\n", what.c_str(),
               path.c_str());
  // The other process gives up on a stalled transfer (HF_HUB_DOWNLOAD_TIMEOUT), which frees the lock.
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;  // a signal woke us: wait again
    ::close(fd_);
    throw HubError(fmt::format("hub: cannot lock {}: {}", path.string(), std::strerror(errno)));
  }
}

FileLock::~FileLock() { ::close(fd_); }  // closing the file releases the lock

}  // namespace bertlab::hub
