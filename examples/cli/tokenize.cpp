// `bertlab tokenize`: run the tokenizer from the command line.
//
//   bertlab tokenize --model <folder> "text" [--pair "text"] [--padding P] [--truncation T]
//                    [--max-length N] [--return-tensors pt]
//       prints the encoding as Python prints it, then the tokens. The options are the keyword
//       arguments of HF's tokenizer(...) call; the notebook's In [8] is
//       --padding true --max-length 15 --truncation true --return-tensors pt.
//   bertlab tokenize --model <folder> --jsonl < cases.jsonl > results.jsonl
//       one JSON case per input line ({"id": ..., "call": {...}} or {"id": ..., "decode": {...}}),
//       one line out per case: {"id": ..., "result": ...} or {"id": ..., "error": "..."}.
// <folder> holds vocab.txt (+ tokenizer_config.json); a vocab file works too.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "examples/cli/commands.h"     // defines: add_tokenize_command
#include "examples/lab/python_print.h"  // defines: python_repr, torch_repr
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "tokenizer/json_calls.h"      // defines: run_json_case, encode_options_from_json

namespace bertlab::cli {

namespace {

using nlohmann::json;
using tokenizer::BertTokenizer;

// "true"/"True" and "false"/"False" are Python's booleans; any other word is a strategy name.
json bool_or_name(const std::string& value) {
  if (value == "true" || value == "True") return true;
  if (value == "false" || value == "False") return false;
  return value;
}

// The options as a --jsonl "call" object, so that both paths check them the same way.
tokenizer::EncodeOptions encode_options(const std::optional<std::string>& padding,
                                        const std::optional<std::string>& truncation,
                                        const std::optional<int64_t>& max_length) {
  json call = json::object();
  if (padding) call["padding"] = bool_or_name(*padding);
  if (truncation) call["truncation"] = bool_or_name(*truncation);
  if (max_length) call["max_length"] = *max_length;
  return tokenizer::encode_options_from_json(call);
}

// Every line gets an answer; a bad line gets an "error" and the next line still runs.
void run_jsonl(const BertTokenizer& tokenizer) {
  for (std::string line; std::getline(std::cin, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json out = {{"id", nullptr}};
    try {
      const json test_case = tokenizer::parse_json_case(line);
      if (test_case.is_object()) out["id"] = test_case.value("id", json());
      out["result"] = tokenizer::run_json_case(tokenizer, test_case);
    } catch (const std::exception& e) {
      out.erase("result");
      out["error"] = e.what();
    }
    // Bytes that are not UTF-8 (from a strange vocab) are replaced rather than thrown.
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("tokenize", "Tokenize a text (or JSON cases) with BERT's WordPiece");
  struct Options {
    std::string model;
    bool jsonl = false;
    std::optional<std::string> text, pair;
    std::optional<std::string> padding, truncation, return_tensors;
    std::optional<int64_t> max_length;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model, "model folder with vocab.txt, or a vocab file")->required();
  CLI::Option* jsonl = cmd->add_flag("--jsonl", opt->jsonl, "read JSON cases from stdin, write results to stdout");
  cmd->add_option("text", opt->text, "the text to tokenize");
  cmd->add_option("--pair", opt->pair, "a second text (sentence pair)");
  cmd->add_option("--padding", opt->padding, "HF's padding=: true, false, longest, max_length or do_not_pad");
  cmd->add_option("--truncation", opt->truncation,
                  "HF's truncation=: true, false, longest_first, only_first, only_second or do_not_truncate");
  cmd->add_option("--max-length", opt->max_length, "HF's max_length=: tokens, special tokens included");
  cmd->add_option("--return-tensors", opt->return_tensors, "pt: print torch tensors, as return_tensors=\"pt\"")
      ->check(CLI::IsMember({"pt"}));
  // Each --jsonl case carries its own options.
  for (const char* name : {"--padding", "--truncation", "--max-length", "--return-tensors"})
    jsonl->excludes(cmd->get_option(name));
  cmd->callback([opt] {
    const BertTokenizer tokenizer = BertTokenizer::from_pretrained(opt->model);
    if (opt->jsonl) return run_jsonl(tokenizer);
    if (!opt->text)
      throw std::runtime_error(
          "tokenize: no text: expected \"text\" or --jsonl. "
          "Hint: bertlab tokenize --model <folder> \"Hello!\"");
    const tokenizer::EncodeOptions options = encode_options(opt->padding, opt->truncation, opt->max_length);
    const tokenizer::Encoding encoding =
        opt->pair ? tokenizer(*opt->text, *opt->pair, options) : tokenizer(*opt->text, options);
    // return_tensors="pt" gives [1, S] torch tensors, and print() shows them as torch does.
    if (opt->return_tensors) std::cout << lab::torch_repr(encoding) << '\n';
    else std::cout << encoding << '\n';
    std::cout << lab::python_repr(tokenizer.convert_ids_to_tokens(encoding.input_ids)) << '\n';
  });
}

}  // namespace bertlab::cli
