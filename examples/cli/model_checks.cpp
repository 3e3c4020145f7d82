#include "examples/cli/model_checks.h"  // defines: fit_max_length, require_finite

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tensor/error.h"  // defines: Error

namespace bertlab::cli {

int64_t fit_max_length(int64_t max_length, const bert::BertConfig& config) {
  if (max_length <= config.max_position_embeddings) return max_length;
  fmt::print(stderr, "note: --max-length {} is more than the model's max_position_embeddings ({}); using {}\n",
             max_length, config.max_position_embeddings, config.max_position_embeddings);
  return config.max_position_embeddings;
}

void require_finite(const nn::Module& model, const std::vector<float>& scores, const std::string& command) {
  const auto not_finite = [](float v) { return !std::isfinite(v); };
  // The weights first: a damaged checkpoint can also give finite but meaningless scores (a QA
  // model whose logits are all NaN finds no valid span and answers "" with score 0).
  for (const auto& [name, p] : model.named_parameters()) {
    const float* begin = p.data();
    const float* end = begin + p.numel();
    const float* bad = std::find_if(begin, end, not_finite);
    if (bad == end) continue;
    const std::string module = name.substr(0, name.rfind('.'));
    throw Error(fmt::format("{}: the model is not finite: the first non-finite tensor is {} (module {}), element {} "
                            "is {}. Hint: the checkpoint is damaged; re-download or re-train it",
                            command, name, module, bad - begin, *bad));
  }
  const auto bad = std::find_if(scores.begin(), scores.end(), not_finite);
  if (bad != scores.end())
    throw Error(fmt::format("{}: a score is {} although every parameter is finite: an activation overflowed. Hint: "
                            "`bertlab forward` prints every tensor of the forward pass",
                            command, *bad));
}

}  // namespace bertlab::cli
