#include "hub/download.h"  // defines: fetch_metadata, download_file, sha256_file, git_hash_file

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include "hub/error.h"     // defines: HubError, NetworkError
#include "hub/headers.h"   // defines: Headers, add_header_line, is_sha256, metadata_from_headers
#include "hub/progress.h"  // defines: ProgressBar

namespace bertlab::hub {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// HTTP with libcurl: one request, the headers of every response in its redirect chain
// ---------------------------------------------------------------------------------------------

namespace {

struct Transfer {
  std::unique_ptr<CURL, void (*)(CURL*)> curl{curl_easy_init(), curl_easy_cleanup};
  std::vector<Headers> responses;  // one per response: the redirects, then the final one
  char error[CURL_ERROR_SIZE] = "";
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  add_header_line(static_cast<Transfer*>(user)->responses, std::string_view(data, size * count));
  return size * count;
}

// The slowest transfer we wait for: a server that drips a few bytes a second would otherwise
// hold a download open for days, as a transfer that keeps receiving never times out.
constexpr long kMinBytesPerSecond = 1024;

// HF_HUB_DOWNLOAD_TIMEOUT, else huggingface_hub's default of 10 seconds.
long download_timeout() {
  const char* timeout = std::getenv("HF_HUB_DOWNLOAD_TIMEOUT");
  return timeout && std::atol(timeout) > 0 ? std::atol(timeout) : 10L;
}

// The settings every request shares: 10 s to connect, as huggingface_hub; and a transfer slower
// than kMinBytesPerSecond for HF_HUB_DOWNLOAD_TIMEOUT seconds is given up.
void configure(Transfer& t, const std::string& url) {
  static const CURLcode global_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!t.curl || global_init != CURLE_OK) throw HubError("hub: libcurl failed to initialise");
  CURL* curl = t.curl.get();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);  // resolve/ answers LFS files with a CDN redirect
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "bertlab (libcurl)");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, kMinBytesPerSecond);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, download_timeout());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, t.error);
}

long status_of(const Transfer& t) {
  long status = 0;
  curl_easy_getinfo(t.curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

// What went wrong, for an error message: libcurl's words, or ours for a transfer too slow.
std::string failure(CURLcode code, const Transfer& t) {
  if (code == CURLE_OPERATION_TIMEDOUT)
    return fmt::format("too slow: expected at least {} bytes/s, got less for {} s (HF_HUB_DOWNLOAD_TIMEOUT)",
                       kMinBytesPerSecond, download_timeout());
  return *t.error ? t.error : curl_easy_strerror(code);
}

// Failures where no answer came at all; the caller turns them into "how to work offline".
void throw_if_unreachable(CURLcode code, const Transfer& t, const std::string& url) {
  if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_COULDNT_CONNECT ||
      (code == CURLE_OPERATION_TIMEDOUT && t.responses.empty()))
    throw NetworkError(fmt::format("hub: cannot reach the server for {}: {}", url, failure(code, t)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// HEAD: what the file is
// ---------------------------------------------------------------------------------------------

std::optional<FileMetadata> fetch_metadata(const std::string& url) {
  Transfer t;
  configure(t, url);
  curl_easy_setopt(t.curl.get(), CURLOPT_NOBODY, 1L);
  const CURLcode code = curl_easy_perform(t.curl.get());
  throw_if_unreachable(code, t, url);
  if (code != CURLE_OK)
    throw HubError(fmt::format("hub: HEAD {} failed: {}. Hint: check HF_ENDPOINT", url, failure(code, t)));
  const long status = status_of(t);
  if (status == 404) return std::nullopt;
  if (status == 401 || status == 403)
    throw HubError(fmt::format("hub: HEAD {} answered HTTP {}: the repo does not exist, or is private or gated. "
                               "Hint: check the name; bertlab sends no token, so for a gated model run "
                               "`huggingface-cli login` and `huggingface-cli download <repo>` in Python, and "
                               "bertlab finds it in the shared cache",
                               url, status));
  if (status != 200)
    throw HubError(fmt::format("hub: HEAD {} answered HTTP {}: expected 200. Hint: is HF_ENDPOINT a hub?", url,
                               status));
  return metadata_from_headers(t.responses, url);
}

// ---------------------------------------------------------------------------------------------
// GET: the bytes, resumed and verified
// ---------------------------------------------------------------------------------------------

namespace {

// The digest of `prefix` followed by the file's bytes, as lowercase hex digits.
std::string hex_digest(const EVP_MD* algorithm, const std::string& prefix, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HubError(fmt::format("hub: cannot read {}", path.string()));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), algorithm, nullptr);
  EVP_DigestUpdate(ctx.get(), prefix.data(), prefix.size());
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0)
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

std::string sha256_file(const fs::path& path) { return hex_digest(EVP_sha256(), "", path); }

std::string git_hash_file(const fs::path& path) {
  // git hashes the object's header with the content: "blob", a space, the size in decimal, a NUL.
  return hex_digest(EVP_sha1(), "blob " + std::to_string(fs::file_size(path)) + '\0', path);
}

namespace {

// Where the body goes. The file is opened at the first byte, once the status is known: 206 means
// the server honoured our Range (append), 200 that it sent the whole file (start over), anything
// else is an error page that must not land in the blob.
struct Sink {
  CURL* curl;
  fs::path path;
  std::FILE* file = nullptr;
  ~Sink() {
    if (file) std::fclose(file);
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<Sink*>(user);
  if (!sink.file) {
    long status = 0;
    curl_easy_getinfo(sink.curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 && status != 206) return 0;  // stops the transfer (CURLE_WRITE_ERROR)
    sink.file = std::fopen(sink.path.c_str(), status == 206 ? "ab" : "wb");
    if (!sink.file) return 0;
  }
  return std::fwrite(data, size, count, sink.file);
}

int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
  static_cast<ProgressBar*>(user)->update(static_cast<uint64_t>(received));
  return 0;
}

// GET `url` appending to `incomplete` from byte `offset` on.
void fetch_into(const std::string& url, const fs::path& incomplete, uint64_t offset, ProgressBar& bar) {
  Transfer t;
  configure(t, url);
  Sink sink{t.curl.get(), incomplete};
  CURL* curl = t.curl.get();
  const std::string range = fmt::format("{}-", offset);
  if (offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());  // "Range: bytes=<offset>-"
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &bar);
  const CURLcode code = curl_easy_perform(curl);
  if (sink.file) std::fclose(sink.file), sink.file = nullptr;
  throw_if_unreachable(code, t, url);
  // The final status is known when the transfer ended or on_body refused it; a transfer given up
  // earlier (too slow, cut) may have seen only a redirect's status so far.
  const long status = status_of(t);
  if ((code == CURLE_OK || code == CURLE_WRITE_ERROR) && status != 200 && status != 206)
    throw HubError(fmt::format("hub: download failed: GET {} answered HTTP {}: expected 200 or 206", url, status));
  if (code != CURLE_OK)
    throw NetworkError(fmt::format("hub: download of {} interrupted: {}. {} bytes are kept in {}; run again to "
                                   "resume",
                                   url, failure(code, t), fs::exists(incomplete) ? fs::file_size(incomplete) : 0,
                                   incomplete.string()));
}

// The size and hash checks. The transfer ended without an error, so `incomplete` holds all the
// server answered; when that is not the file (a captive portal's login page, a proxy's error
// page) it is deleted, never kept as the first part of a later resume.
void verify(const std::string& url, const FileMetadata& meta, const fs::path& incomplete) {
  const uint64_t size = fs::exists(incomplete) ? fs::file_size(incomplete) : 0;
  if (meta.size && size != *meta.size) {
    fs::remove(incomplete);
    throw HubError(fmt::format("hub: download of {} is not the file: expected {} bytes, got {}. Hint: run again; "
                               "if it persists, a proxy or a network login page is answering for the hub",
                               url, *meta.size, size));
  }
  const bool lfs = is_sha256(meta.etag);  // else a git hash (headers.h checked it is one of the two)
  if (const std::string hash = lfs ? sha256_file(incomplete) : git_hash_file(incomplete); hash != meta.etag) {
    fs::remove(incomplete);
    throw HubError(fmt::format("hub: download of {} is corrupted: expected {} {}, got {}. Hint: run again; if it "
                               "persists, the server, a proxy or a network login page is altering the file",
                               url, lfs ? "sha256" : "git hash", meta.etag, hash));
  }
}

}  // namespace

void download_file(const std::string& url, const FileMetadata& meta, const fs::path& incomplete,
                   const fs::path& destination, const std::string& label) {
  fs::create_directories(incomplete.parent_path());
  uint64_t offset = fs::exists(incomplete) ? fs::file_size(incomplete) : 0;
  if (meta.size && offset > *meta.size) fs::remove(incomplete), offset = 0;  // not a prefix of this file
  ProgressBar bar(label, offset, meta.size);
  if (!meta.size || offset < *meta.size) fetch_into(url, incomplete, offset, bar);
  bar.finish();
  verify(url, meta, incomplete);
  fs::rename(incomplete, destination);
}

}  // namespace bertlab::hub
