#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype

#include "nn/quantized_linear.h"  // defines: quantize_dynamic

namespace bertlab::cli {

void add_dtype_option(CLI::App& cmd, std::string& dtype) {
  cmd.add_option("--dtype", dtype, "float32, or int8: the Linears' weights and inputs rounded to 8 bits (quantize_dynamic)")
      ->check(CLI::IsMember({"float32", "int8"}))
      ->capture_default_str();
}

void apply_dtype(nn::Module& model, const std::string& dtype) {
  model.eval();
  if (dtype == "int8") nn::quantize_dynamic(model);
}

}  // namespace bertlab::cli
