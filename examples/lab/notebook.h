// The lab's notebook, in the terminal: cell headers as IPython shows them, and loading with
// a clear way out when no checkpoint is there.
//
//   cell(4, "encoded_inputs = tokenizer(example)\nprint(encoded_inputs)");
//   prints   In [4]: encoded_inputs = tokenizer(example)
//               ...: print(encoded_inputs)
//   out(10, "109482240")  prints  Out[10]: 109482240
// The three lab steps (examples/lab0N_*.cpp) print with these, so `bertlab lab` and each
// lab program show the same cells.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <type_traits>
#include <vector>

#include "bert/checkpoint.h"           // defines: from_pretrained
#include "bert/model.h"                // defines: BertModel
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer

namespace bertlab::lab {

inline constexpr const char* kDefaultModel = "bert-base-uncased";
// What the lab runs on when bert-base-uncased is neither cached nor downloadable: bertlab's own
// small model, trained by `bertlab pretrain` on bert-base-uncased's vocabulary (models/bertlab-mini).
inline constexpr const char* kOfflineModel = "bertlab-mini";

// The notebook's five sentences with a word hidden (In [15]): lab 03 fills them in with
// bert-base-uncased, lab 06 with the BERT it pretrains.
inline const std::vector<std::string> kMaskedSents = {
    "The [MASK] slept peacefully on the warm, sunlit windowsill",
    "[MASK] smiled brightly at her reflection in the mirror",
    "The [MASK] eagerly wagged its tail, waiting for a treat",
    "The [MASK] lay open on the table, its pages fluttering in the breeze",
    "The scent of freshly baked [MASK] filled the kitchen"};

// A cell's input (Python, one or more lines), after a blank line.
void cell(int number, std::string_view python);
// A cell's displayed value (Jupyter's Out[n]: for a cell ending in an expression).
void out(int number, std::string_view value);

// When loading fails because the model is not there, the error plus what to do: where a checkpoint
// can come from, --model, and that `bertlab demo` needs none. Thrown as bertlab::Error so the CLI
// prints it and exits 1. Any other error (a damaged file) is rethrown as it is. Call it only
// from a catch block.
[[noreturn]] void throw_with_setup_hint(const std::string& model, const std::exception& error);

// BertTokenizer.from_pretrained(model) and BertModel / BertForMaskedLM.from_pretrained(model).
tokenizer::BertTokenizer load_tokenizer(const std::string& model);
// What a lab run is given: the model, and how its attention runs ("sdpa": the fused inference
// kernel; "eager": the composed ops of nn::scaled_dot_product_attention, the same numbers).
struct LabOptions {
  std::string model = kDefaultModel;
  std::string attn_implementation = "sdpa";
};

// Before the first step, when the user named no model: if bert-base-uncased cannot be had (not in
// the cache, no network), announce it in one line and switch `options.model` to bertlab-mini. The
// tokenizer cells print the notebook's output either way (same vocabulary); the model's numbers
// differ. With bert-base-uncased at hand nothing changes.
void fall_back_to_offline_model(LabOptions& options);

// BertModel.from_pretrained(model, attn_implementation=...), or BertForMaskedLM's.
template <typename M>
std::unique_ptr<M> load_model(const LabOptions& options) {
  std::unique_ptr<M> model;
  try {
    model = bert::from_pretrained<M>(options.model);
  } catch (const std::exception& e) {
    throw_with_setup_hint(options.model, e);
  }
  if constexpr (std::is_same_v<M, bert::BertModel>) model->set_attn_implementation(options.attn_implementation);
  else model->bert.set_attn_implementation(options.attn_implementation);
  return model;
}

// main() of a lab program: `[model] [--attn-implementation eager|sdpa]` (model default
// bert-base-uncased, or bertlab-mini when that cannot be had); errors are printed as by the CLI,
// with exit code 1.
using Step = void (*)(const LabOptions& options);
int run_step(int argc, char** argv, Step step);

}  // namespace bertlab::lab
