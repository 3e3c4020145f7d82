#include "hub/progress.h"  // defines: ProgressBar

#include <fmt/format.h>
#include <unistd.h>  // isatty

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace bertlab::hub {

namespace {

// 1234567 -> "1.2 MB" (powers of 1000, as tqdm and the hub's web pages count).
std::string human_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000.0 && unit < 4) bytes /= 1000.0, ++unit;
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

bool progress_bars_disabled() {
  const char* value = std::getenv("HF_HUB_DISABLE_PROGRESS_BARS");
  return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

}  // namespace

ProgressBar::ProgressBar(std::string label, uint64_t resumed, std::optional<uint64_t> total)
    : label_(std::move(label)),
      resumed_(resumed),
      total_(total),
      live_(isatty(STDERR_FILENO) != 0),
      enabled_(!progress_bars_disabled()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(uint64_t received) {
  received_ = received;
  const auto now = std::chrono::steady_clock::now();
  if (!enabled_ || !live_ || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::fprintf(stderr, "\r%s", line().c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "%s%s\n", live_ ? "\r" : "", line().c_str());
}

std::string ProgressBar::line() const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? received_ / seconds : 0.0;  // this transfer only, not the resumed part
  const uint64_t done = resumed_ + received_;
  std::string text = label_ + "  ";
  if (total_ && *total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / *total_);
    const int width = 20, filled = static_cast<int>(fraction * width);
    text += fmt::format("{:3.0f}% |{}{}| {}/{}", 100 * fraction, std::string(filled, '#'),
                        std::string(width - filled, ' '), human_bytes(done), human_bytes(*total_));
    const double eta = rate > 0 ? (*total_ - std::min(done, *total_)) / rate : 0.0;
    text += fmt::format("  {}/s  ETA {}:{:02}", human_bytes(rate), static_cast<int>(eta) / 60,
                        static_cast<int>(eta) % 60);
  } else {
    text += fmt::format("{}  {}/s", human_bytes(done), human_bytes(rate));
  }
  return text;
}

}  // namespace bertlab::hub
