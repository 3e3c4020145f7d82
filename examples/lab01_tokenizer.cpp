// Lab step 1: the tokenizer (notebook cells In [3]..In [8]).
//
//   ./build/examples/lab01_tokenizer [model folder or name, default bert-base-uncased]
// Text becomes model inputs: input_ids (rows of the embedding table), token_type_ids (sentence
// A = 0, B = 1) and attention_mask (1 = attend, 0 = padding). Each block below is one notebook
// cell: the Python it mirrors is printed above its output.
// Code that does the work: tokenizer/bert_tokenizer.cpp (BertTokenizer), tokenizer/basic_tokenizer.cpp
// (BasicTokenizer: lower case, punctuation), tokenizer/wordpiece.cpp (WordpieceTokenizer: hack ##ath ##on),
// tokenizer/model_inputs.cpp ([CLS]/[SEP], truncation, padding).
#include <fmt/format.h>

#include <iostream>

#include "examples/lab/notebook.h"      // defines: cell, out, load_tokenizer, run_step
#include "examples/lab/python_print.h"  // defines: python_repr, torch_repr
#include "examples/lab/steps.h"         // defines: lab01_tokenizer

namespace bertlab::lab {

using tokenizer::BertTokenizer;
using tokenizer::EncodeOptions;
using tokenizer::Encoding;

void lab01_tokenizer(const LabOptions& lab_options) {
  const std::string& model = lab_options.model;
  cell(3, fmt::format("tokenizer = BertTokenizer.from_pretrained('{}')", model));
  const BertTokenizer tokenizer = load_tokenizer(model);

  cell(4, "example = \"This is a test sentence\"\n"
          "encoded_inputs = tokenizer(example)\n"
          "print(encoded_inputs)");
  Encoding encoded_inputs = tokenizer("This is a test sentence");
  std::cout << encoded_inputs << '\n';

  // convert_ids_to_tokens reads the vocabulary backwards: id -> word piece.
  cell(5, "tokenizer.convert_ids_to_tokens(encoded_inputs['input_ids'])");
  out(5, python_repr(tokenizer.convert_ids_to_tokens(encoded_inputs["input_ids"])));

  // A word the vocabulary lacks is split greedily into the longest pieces it has.
  const std::string hackathon =
      "During the weekend, our team participated in a hackathon, where we developed an innovative app for "
      "tracking daily water intake";
  cell(6, fmt::format("example = \"{}\"\n"
                      "encoded_inputs = tokenizer(example)\n"
                      "print(encoded_inputs)\n"
                      "print(tokenizer.convert_ids_to_tokens(encoded_inputs['input_ids']))",
                      hackathon));
  encoded_inputs = tokenizer(hackathon);
  std::cout << encoded_inputs << '\n'
            << python_repr(tokenizer.convert_ids_to_tokens(encoded_inputs["input_ids"])) << '\n';

  // A pair: [CLS] A [SEP] B [SEP], with token_type_ids 0 for A and 1 for B.
  const std::string example1 = "My dog is barking over the door";
  const std::string example2 = "The scent of freshly baked cookies filled the kitchen";
  cell(7, fmt::format("example1 = \"{}\"\n"
                      "example2 = \"{}\"\n"
                      "encoded_inputs = tokenizer(example1, example2)\n"
                      "print(encoded_inputs)\n"
                      "print(tokenizer.convert_ids_to_tokens(encoded_inputs['input_ids']))",
                      example1, example2));
  encoded_inputs = tokenizer(example1, example2);
  std::cout << encoded_inputs << '\n'
            << python_repr(tokenizer.convert_ids_to_tokens(encoded_inputs["input_ids"])) << '\n';

  // Truncation to 15 tokens: longest_first drops tokens from the longer text, one at a time.
  cell(8, "encoded_inputs = tokenizer(example1, example2, return_tensors=\"pt\",\n"
          "                           padding=True, max_length=15, truncation=True)\n"
          "print(encoded_inputs)\n"
          "print(tokenizer.convert_ids_to_tokens(encoded_inputs['input_ids'].squeeze().tolist()))");
  EncodeOptions options;
  options.padding = true;
  options.max_length = 15;
  options.truncation = true;
  encoded_inputs = tokenizer(example1, example2, options);
  std::cout << torch_repr(encoded_inputs) << '\n'  // return_tensors="pt": printed as torch tensors
            << python_repr(tokenizer.convert_ids_to_tokens(encoded_inputs["input_ids"])) << '\n';
}

}  // namespace bertlab::lab

#ifndef BERTLAB_LAB_NO_MAIN  // built alone; `bertlab lab` compiles this file without main()
int main(int argc, char** argv) { return bertlab::lab::run_step(argc, argv, bertlab::lab::lab01_tokenizer); }
#endif
