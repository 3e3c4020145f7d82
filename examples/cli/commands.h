// The subcommands of `bertlab`, one file each in examples/cli/.
// Each add_*_command registers its options and the function that runs it.
#pragma once

#include <CLI/CLI.hpp>

namespace bertlab::cli {

void add_classify_command(CLI::App& app);  // classify.cpp: label a text with a fine-tuned classifier
void add_demo_command(CLI::App& app);      // demo.cpp: train a small BERT a few steps
void add_finetune_cls_command(CLI::App& app);  // finetune_cls.cpp: fine-tune for classification
void add_finetune_qa_command(CLI::App& app);   // finetune_qa.cpp: fine-tune for question answering
void add_forward_command(CLI::App& app);   // forward.cpp: all outputs of a model, machine-readable
void add_qa_command(CLI::App& app);        // qa.cpp: answer a question with a fine-tuned model
void add_tokenize_command(CLI::App& app);  // tokenize.cpp: text or JSON cases -> BERT token ids

}  // namespace bertlab::cli
