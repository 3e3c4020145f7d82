// --dtype float32|int8|bf16, for the commands that run a model for inference (fill-mask, classify,
// qa, embed, similarity): int8 and bf16 round every Linear of the loaded model to fewer bits
// (nn::quantize_dynamic, as torch.ao.quantization.quantize_dynamic; docs/quantization.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "nn/module.h"  // defines: Module

namespace bertlab::cli {

void add_dtype_option(CLI::App& cmd, std::string& dtype);
// model.eval(), then quantize_dynamic(model, dtype) for "int8" and "bf16"; nothing more for
// "float32". On a CPU without the instructions (AVX512-VNNI for int8, AVX512-BF16 for bf16) the
// model stays float32, with a one-line note on stderr: the portable kernels are there to check
// the numbers (quantize-report, the tests), and are slower than float32.
void apply_dtype(nn::Module& model, const std::string& dtype);

}  // namespace bertlab::cli
