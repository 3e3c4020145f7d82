// --dtype float32|int8, for the commands that run a model for inference (fill-mask, classify,
// qa, quantize-report): int8 rounds every Linear of the loaded model to 8-bit integers
// (nn::quantize_dynamic, as torch.ao.quantization.quantize_dynamic; docs/quantization.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "nn/module.h"  // defines: Module

namespace bertlab::cli {

void add_dtype_option(CLI::App& cmd, std::string& dtype);
// model.eval(), then quantize_dynamic(model) for "int8"; nothing more for "float32".
void apply_dtype(nn::Module& model, const std::string& dtype);

}  // namespace bertlab::cli
