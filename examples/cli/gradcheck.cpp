// bertlab gradcheck: check one op's backward against central differences, on a small random example.
//
//   bertlab gradcheck OP [--seed N]     OP: one of --list (linear, embedding, softmax, attention,
//   bertlab gradcheck --list                layernorm, gelu, dropout, cross_entropy, lora)
// For each input that requires grad it prints autograd's gradient against the numerical one
// (tensor/gradcheck.h): the largest absolute and relative difference and PASS or FAIL; the exit
// code is 1 when any input fails. docs/derivations/<OP>.md derives each backward by hand.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "examples/cli/commands.h"     // defines: add_gradcheck_command
#include "nn/dropout.h"                // defines: Dropout
#include "nn/lora.h"                   // defines: LoRALinear
#include "nn/multi_head_attention.h"   // defines: scaled_dot_product_attention
#include "tensor/error.h"              // defines: BERT_CHECK
#include "tensor/gradcheck.h"          // defines: check_gradients, GradcheckOptions
#include "tensor/ops.h"

namespace bertlab::cli {

namespace {

// One function to check: what it computes, its inputs (by name) and the check's settings.
struct Case {
  std::string formula;             // "out = gelu(x), exact (erf) form"
  std::vector<std::string> names;  // of the inputs, in order
  std::vector<Tensor> inputs;      // those that require grad are checked
  TensorFn f;
  GradcheckOptions options{};  // the defaults, unless the op needs others
};

struct OpExample {
  std::string name, what;
  std::function<std::vector<Case>(uint64_t seed)> make;
};

// N(0, 1) entries; a parameter requires grad.
Tensor randn(const Shape& shape, Generator& gen, bool param = true) {
  Tensor t = Tensor::randn(shape, gen);
  if (param) t.requires_grad_();
  return t;
}

// ---- the examples: small, odd sizes, so that a wrong index shows ---------------------------

std::vector<Case> linear_example(uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({2, 3, 4}, gen), weight = randn({5, 4}, gen), bias = randn({5}, gen);
  return {{"out = linear(x, weight, bias) = x·weightᵀ + bias", {"x", "weight", "bias"}, {x, weight, bias},
           [](const auto& in) { return linear(in[0], in[1], in[2]); }}};
}

std::vector<Case> embedding_example(uint64_t seed) {
  Generator gen(seed);
  Tensor weight = randn({6, 4}, gen);  // V = 6 rows of H = 4
  const IntTensor ids({1, 4, 1, 0, 5, 1}, {2, 3});  // id 1 three times: its row sums three gradients
  return {{"out = embedding(ids, weight), ids [2, 3] = [[1, 4, 1], [0, 5, 1]]", {"weight"}, {weight},
           [ids](const auto& in) { return embedding(ids, in[0]); }}};
}

// The additive mask: 0 keeps, -inf drops the last `dropped` positions of sequence 1.
Tensor key_mask(const Shape& shape, int64_t dropped) {
  Tensor mask = Tensor::zeros(shape);  // [B, ..., S], B = 2
  const int64_t S = shape.back();
  for (int64_t s = S - dropped; s < S; ++s) mask.data()[mask.numel() / 2 + s] = -std::numeric_limits<float>::infinity();
  return mask;
}

std::vector<Case> softmax_example(uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({2, 3, 5}, gen);
  const Tensor mask = key_mask({2, 1, 5}, 2);  // sequence 1 drops positions 3 and 4
  return {{"out = softmax(x + mask), mask [2, 1, 5]: sequence 1 drops positions 3 and 4", {"x"}, {x},
           [mask](const auto& in) { return softmax(in[0], mask); }}};
}

std::vector<Case> attention_example(uint64_t seed) {
  Generator gen(seed);
  Tensor q = randn({2, 2, 3, 4}, gen), k = randn({2, 2, 3, 4}, gen), v = randn({2, 2, 3, 4}, gen);  // [B, N, S, D]
  const Tensor mask = key_mask({2, 1, 1, 3}, 1);  // sequence 1 drops key 2
  auto dropout = std::make_shared<nn::Dropout>(0.0f);
  return {{"context = softmax(q·kᵀ/√D + mask)·v, [B, N, S, D] = [2, 2, 3, 4], sequence 1 drops key 2",
           {"query", "key", "value"},
           {q, k, v},
           [mask, dropout](const auto& in) {
             return nn::scaled_dot_product_attention(in[0], in[1], in[2], mask, *dropout).context_layer;
           }}};
}

std::vector<Case> layernorm_example(uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({2, 3, 6}, gen), weight = randn({6}, gen), bias = randn({6}, gen);
  // rstd magnifies float32's rounding of the forward; a larger h keeps it below the tolerance.
  return {{"out = layer_norm(x, weight, bias, eps = 1e-5) over the last dimension",
           {"x", "weight", "bias"},
           {x, weight, bias},
           [](const auto& in) { return layer_norm(in[0], in[1], in[2], 1e-5f); },
           {.h = 1e-2f}}};
}

std::vector<Case> gelu_example(uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({3, 7}, gen, false);
  x = x * 2.0f;  // wider than N(0, 1): both tails and the bend at 0
  x.requires_grad_();
  return {{"out = gelu(x), exact (erf) form, HF \"gelu\"", {"x"}, {x}, [](const auto& in) { return gelu(in[0]); }},
          {"out = gelu(x, tanh), tanh form, HF \"gelu_new\"", {"x"}, {x},
           [](const auto& in) { return gelu(in[0], GeluApproximation::tanh); }}};
}

std::vector<Case> dropout_example(uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn({3, 8}, gen);
  // A generator seeded the same way for every call: the same mask in each forward.
  return {{"out = dropout(x, p = 0.25, training), the same mask on every call", {"x"}, {x}, [seed](const auto& in) {
             Generator mask_gen(seed);
             return dropout(in[0], 0.25f, true, mask_gen);
           }}};
}

std::vector<Case> cross_entropy_example(uint64_t seed) {
  Generator gen(seed);
  Tensor logits = randn({5, 4}, gen);  // M = 5 rows, K = 4 classes
  const IntTensor targets({2, -100, 0, 3, -100}, {5});
  return {{"loss = cross_entropy(logits, targets = [2, -100, 0, 3, -100]), the mean over 3 rows", {"logits"},
           {logits}, [targets](const auto& in) { return cross_entropy(in[0], targets); }}};
}

std::vector<Case> lora_example(uint64_t seed) {
  Generator gen(seed);
  // base_layer is frozen; lora_A [r, in] and lora_B [out, r] train. B is random here (PEFT starts
  // it at 0, where dA = 0 and the check would prove little).
  auto base = std::make_shared<nn::Linear>(5, 3);
  auto lora = std::make_shared<nn::LoRALinear>(*base, /*r=*/2, /*lora_alpha=*/4.0f, /*lora_dropout=*/0.0f);
  for (Tensor t : {base->weight, base->bias, lora->A().weight, lora->B().weight}) {
    t.copy_(Tensor::randn(t.shape(), gen));
  }
  Tensor x = randn({2, 3, 5}, gen);
  return {{"out = x·Wᵀ + b + (x·Aᵀ)·Bᵀ · scaling, r = 2, lora_alpha = 4, scaling = 2, W frozen",
           {"x", "lora_A", "lora_B"},
           {x, lora->A().weight, lora->B().weight},
           [base, lora](const auto& in) { return lora->forward(in[0]); }}};
}

const std::vector<OpExample>& op_examples() {
  static const std::vector<OpExample> ops = {
      {"linear", "x·Wᵀ + b (nn.Linear)", linear_example},
      {"embedding", "rows of a table (nn.Embedding), a repeated id", embedding_example},
      {"softmax", "softmax with an additive -inf mask", softmax_example},
      {"attention", "scaled dot-product attention with a key mask", attention_example},
      {"layernorm", "LayerNorm with weight and bias", layernorm_example},
      {"gelu", "GELU, erf and tanh forms", gelu_example},
      {"dropout", "dropout in training mode, p = 0.25", dropout_example},
      {"cross_entropy", "cross-entropy with ignore_index -100", cross_entropy_example},
      {"lora", "a LoRA-wrapped Linear, B·A with scaling", lora_example},
  };
  return ops;
}

// ---- running a check -----------------------------------------------------------------------

const OpExample& find_op(const std::string& name) {
  const auto& ops = op_examples();
  const auto it = std::find_if(ops.begin(), ops.end(), [&](const OpExample& op) { return op.name == name; });
  std::vector<std::string> names;
  for (const OpExample& op : ops) names.push_back(op.name);
  BERT_CHECK(it != ops.end(), "gradcheck: unknown op '{}': expected one of {}. Hint: bertlab gradcheck --list", name,
             fmt::join(names, ", "));
  return *it;
}

// Prints one line per checked input; returns how many failed.
int run_case(const Case& c, uint64_t seed) {
  GradcheckOptions o = c.options;
  o.seed = seed;  // of dout
  fmt::print("{}\n  h = {:g}, pass when |autograd - numeric| <= {:g} + {:g}·|numeric| for every element\n",
             c.formula, o.h, o.atol, o.rtol);
  const GradcheckResult result = check_gradients(c.f, c.inputs, o);
  int failed = 0;
  for (const InputGradcheck& input : result.inputs) {
    failed += !input.passed();
    fmt::print("  {:<8} {:<14} max abs diff {:.2e}   max rel diff {:.2e}   {}\n", c.names[input.index],
               fmt::format("{}", c.inputs[input.index].shape()), input.max_abs_diff, input.max_rel_diff,
               input.passed() ? "PASS" : "FAIL");
  }
  BERT_CHECK(!result.inputs.empty(), "gradcheck: no input of '{}' requires grad: nothing was checked", c.formula);
  return failed;
}

struct GradcheckCommand {
  std::string op;
  uint64_t seed = 1;
  bool list = false;
};

void run_gradcheck(const GradcheckCommand& cmd) {
  if (cmd.list) {
    for (const OpExample& op : op_examples()) fmt::print("{:<14} {}\n", op.name, op.what);
    return;
  }
  BERT_CHECK(!cmd.op.empty(), "gradcheck: expected an op name or --list, got neither. Hint: bertlab gradcheck --list");
  const OpExample& op = find_op(cmd.op);
  fmt::print("gradcheck {} (seed {}): L = Σ out·dout for a random dout; numeric dL/dx[i] = (L(x[i]+h) - "
             "L(x[i]-h)) / 2h\n",
             op.name, cmd.seed);
  int failed = 0, checked = 0;
  for (const Case& c : op.make(cmd.seed)) {
    failed += run_case(c, cmd.seed);
    for (const Tensor& x : c.inputs) checked += x.requires_grad();
  }
  fmt::print("{}: {} of {} inputs match autograd (docs/derivations/{}.md)\n", failed ? "FAIL" : "PASS",
             checked - failed, checked, op.name);
  if (failed) throw CLI::RuntimeError(1);  // exit code 1, with the table above as the report
}

}  // namespace

void add_gradcheck_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("gradcheck", "Check an op's backward against central differences (--list: the ops)");
  auto opt = std::make_shared<GradcheckCommand>();
  cmd->add_option("op", opt->op, "the op: linear, embedding, softmax, attention, layernorm, gelu, dropout, "
                                 "cross_entropy or lora");
  cmd->add_option("--seed", opt->seed, "seed of the random inputs and dout")->default_val(1);
  cmd->add_flag("--list", opt->list, "list the ops and exit");
  cmd->callback([opt] { run_gradcheck(*opt); });
}

}  // namespace bertlab::cli
