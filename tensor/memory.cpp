#include "tensor/memory.h"  // defines: live_tensor_bytes, peak_tensor_bytes, MemoryTag

#include <sys/resource.h>  // getrusage

#include <array>
#include <atomic>

namespace bertlab::memory {

namespace {
std::atomic<int64_t> g_live{0}, g_peak{0};
std::array<std::atomic<int64_t>, static_cast<size_t>(Tag::count)> g_tagged{}, g_tagged_peak{};
thread_local Tag g_tag = Tag::none;
}  // namespace

int64_t live_tensor_bytes() { return g_live.load(); }
int64_t live_tensor_bytes(Tag tag) { return g_tagged[static_cast<size_t>(tag)].load(); }
int64_t peak_tensor_bytes() { return g_peak.load(); }
int64_t peak_tensor_bytes(Tag tag) { return g_tagged_peak[static_cast<size_t>(tag)].load(); }
void reset_peak() {
  g_peak.store(g_live.load());
  for (size_t t = 0; t < g_tagged.size(); ++t) g_tagged_peak[t].store(g_tagged[t].load());
}

int64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

MemoryTag::MemoryTag(Tag tag) : previous_(g_tag) {
  if (g_tag == Tag::none) g_tag = tag;  // nested: the outer label stays
}
MemoryTag::~MemoryTag() { g_tag = previous_; }

namespace {
void raise_peak(std::atomic<int64_t>& peak, int64_t value) {
  int64_t seen = peak.load();
  while (value > seen && !peak.compare_exchange_weak(seen, value)) {
  }
}
}  // namespace

Tag counted_in(int64_t bytes) {
  raise_peak(g_peak, g_live.fetch_add(bytes) + bytes);
  const auto t = static_cast<size_t>(g_tag);
  raise_peak(g_tagged_peak[t], g_tagged[t].fetch_add(bytes) + bytes);
  return g_tag;
}

void counted_out(int64_t bytes, Tag tag) {
  g_live.fetch_sub(bytes);
  g_tagged[static_cast<size_t>(tag)].fetch_sub(bytes);
}

}  // namespace bertlab::memory
