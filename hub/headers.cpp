#include "hub/headers.h"  // defines: Headers, add_header_line, is_git_hash, is_sha256, FileMetadata,
                          //          metadata_from_headers, printable

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "hub/error.h"  // defines: HubError

namespace bertlab::hub {

// ---------------------------------------------------------------------------------------------
// Header lines
// ---------------------------------------------------------------------------------------------

void add_header_line(std::vector<Headers>& responses, std::string_view line) {
  if (line.rfind("HTTP/", 0) == 0) {
    responses.emplace_back();
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || responses.empty()) return;  // the blank line ending a response
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::string_view value = line.substr(colon + 1);
  const size_t begin = value.find_first_not_of(" \t"), end = value.find_last_not_of(" \t\r\n");
  responses.back()[name] = begin == std::string_view::npos ? "" : std::string(value.substr(begin, end - begin + 1));
}

// ---------------------------------------------------------------------------------------------
// What a name in the cache may be
// ---------------------------------------------------------------------------------------------

namespace {

// Lowercase only: the hub sends lowercase, and Python names the blobs with the etag as it came.
bool is_hex(const std::string& text, size_t digits) {
  return text.size() == digits && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

bool is_git_hash(const std::string& text) { return is_hex(text, 40); }
bool is_sha256(const std::string& text) { return is_hex(text, 64); }

std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 80))
    out += c >= 0x20 && c < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", c);
  return text.size() > 80 ? out + "..." : out;
}

// ---------------------------------------------------------------------------------------------
// The metadata of one file
// ---------------------------------------------------------------------------------------------

namespace {

// The first value of header `name` in the redirect chain (nullopt when no response has it).
std::optional<std::string> first_header(const std::vector<Headers>& responses, const std::string& name) {
  for (const Headers& headers : responses)
    if (auto it = headers.find(name); it != headers.end()) return it->second;
  return std::nullopt;
}

// W/"abc" or "abc" -> abc: an etag as the cache names blobs.
std::string normalize_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag = etag.substr(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return etag;
}

// Digits only, and small enough for 64 bits (from_chars refuses what overflows).
std::optional<uint64_t> parse_size(const std::optional<std::string>& text) {
  uint64_t size = 0;
  if (!text || text->empty()) return std::nullopt;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), size);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return size;
}

HubError bad_header(const std::string& url, const std::string& header, const std::string& what,
                    const std::string& expected, const std::optional<std::string>& value) {
  return HubError(fmt::format("hub: HEAD {}: {} is not {}: expected {}, got {}. Hint: is HF_ENDPOINT a hub or a hub "
                              "mirror? Nothing was written to the cache",
                              url, header, what, expected,
                              value ? fmt::format("\"{}\"", printable(*value)) : "no such header"));
}

}  // namespace

FileMetadata metadata_from_headers(const std::vector<Headers>& responses, const std::string& url) {
  FileMetadata meta;
  const std::optional<std::string> commit = first_header(responses, "x-repo-commit");
  if (!commit || !is_git_hash(*commit))
    throw bad_header(url, "X-Repo-Commit", "a commit hash", "40 hex digits", commit);
  meta.commit = *commit;
  // An LFS file's etag is on the hub's redirect (X-Linked-Etag); the CDN's own ETag is not ours.
  const bool lfs = first_header(responses, "x-linked-etag").has_value();
  const std::string header = lfs ? "X-Linked-Etag" : "ETag";
  const std::optional<std::string> etag = first_header(responses, lfs ? "x-linked-etag" : "etag");
  if (etag) meta.etag = normalize_etag(*etag);
  if (!etag || !(is_git_hash(meta.etag) || is_sha256(meta.etag)))
    throw bad_header(url, header, "a file hash", "40 hex digits (git) or 64 (sha256)", etag);
  meta.size = parse_size(first_header(responses, "x-linked-size"));
  if (!meta.size && !responses.empty()) meta.size = parse_size(first_header({responses.back()}, "content-length"));
  return meta;
}

}  // namespace bertlab::hub
