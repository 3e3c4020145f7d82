// What the commands that run a model check before and after running it.
//
// fit_max_length: a sequence longer than the model's max_position_embeddings has no position
// embedding; HF's run_glue.py and run_qa.py lower max_seq_length to the model's limit with a
// warning, and so do we, before the first step instead of failing when a long text comes up.
//
// require_finite: a model whose scores are NaN or inf is broken; printing "-nan" predictions and
// exiting 0 would hide it. fill-mask, classify and qa call it on what they are about to print:
//   require_finite(*model, {p.score, p.probability}, "qa");
// It throws, naming the first parameter (in checkpoint order) that is not finite and its module,
// e.g. "bert.encoder.layer.0.attention.self.query.weight (module bert.encoder.layer.0.attention.self.query)",
// or, when every weight is finite, says that an activation overflowed.
#pragma once

#include <string>
#include <vector>

#include "bert/config.h"  // defines: BertConfig
#include "nn/module.h"    // defines: Module

namespace bertlab::cli {

// max_length, or config.max_position_embeddings with a note on stderr when max_length is larger.
int64_t fit_max_length(int64_t max_length, const bert::BertConfig& config);

void require_finite(const nn::Module& model, const std::vector<float>& scores, const std::string& command);

}  // namespace bertlab::cli
