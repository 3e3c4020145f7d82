#include "examples/cli/dtype_option.h"  // defines: add_dtype_option, apply_dtype

#include <fmt/format.h>

#include "nn/quantized_linear.h"  // defines: quantize_dynamic

namespace bertlab::cli {

void add_dtype_option(CLI::App& cmd, std::string& dtype) {
  cmd.add_option("--dtype", dtype,
                 "float32; int8 or bf16: the Linears' weights and inputs rounded to fewer bits (quantize_dynamic)")
      ->check(CLI::IsMember({"float32", "int8", "bf16"}))
      ->capture_default_str();
}

void apply_dtype(nn::Module& model, const std::string& dtype) {
  model.eval();
  if (dtype == "float32") return;
  const bool int8 = dtype == "int8";
  if (int8 ? kernels::cpu_has(kernels::Int8Kernel::avx512_vnni) : kernels::cpu_has(kernels::Bf16Kernel::avx512_bf16))
    nn::quantize_dynamic(model, int8 ? nn::QuantizedDtype::qint8 : nn::QuantizedDtype::bfloat16);
  else
    fmt::print(stderr, "note: this CPU has no {} instructions: running in float32\n", int8 ? "AVX512-VNNI" : "AVX512-BF16");
}

}  // namespace bertlab::cli
