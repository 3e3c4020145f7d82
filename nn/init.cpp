#include "nn/init.h"  // defines: normal_, uniform_, constant_, zeros_, ones_, kaiming_uniform_, NoInitGuard

#include <algorithm>
#include <cmath>

namespace bertlab::nn::init {

namespace {
thread_local bool g_init_enabled = true;
}

NoInitGuard::NoInitGuard() : previous_(g_init_enabled) { g_init_enabled = false; }
NoInitGuard::~NoInitGuard() { g_init_enabled = previous_; }

void normal_(const Tensor& t, float mean, float std, Generator& gen) {
  if (!g_init_enabled) return;
  for (int64_t i = 0, end = t.numel(); i < end; ++i) t.data()[i] = gen.normal(mean, std);
  t.bump_version();
}

void uniform_(const Tensor& t, float low, float high, Generator& gen) {
  if (!g_init_enabled) return;
  for (int64_t i = 0, end = t.numel(); i < end; ++i) t.data()[i] = low + (high - low) * gen.uniform();
  t.bump_version();
}

void constant_(const Tensor& t, float value) {
  std::fill_n(t.data(), t.numel(), value);
  t.bump_version();
}
void zeros_(const Tensor& t) { constant_(t, 0.0f); }
void ones_(const Tensor& t) { constant_(t, 1.0f); }

void kaiming_uniform_(const Tensor& t, float a, Generator& gen) {
  const float fan_in = static_cast<float>(t.dim() > 1 ? t.size(1) : t.numel());
  const float bound = std::sqrt(6.0f / ((1.0f + a * a) * fan_in));
  uniform_(t, -bound, bound, gen);
}

}  // namespace bertlab::nn::init
