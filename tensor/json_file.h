// Reading the JSON files of a model folder (config.json, adapter_config.json) with errors that
// name the file and the field:
//   const json j = parse_json_object(read_text_file(path, "BertConfig"), path.string());
//   read_field<Error>(j, "hidden_size", config.hidden_size, path.string(), /*required=*/true);
// (read_field itself is in json/parse.h, shared with the tokenizer.)
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "json/parse.h"    // defines: parse_json, json_excerpt, read_field
#include "tensor/error.h"  // defines: Error, BERT_CHECK

namespace bertlab {

// The whole file as text; `who` names the reader in the error ("BertConfig: cannot open ...").
std::string read_text_file(const std::filesystem::path& path, const std::string& who);

// Parses `text`, which must be a JSON object nested at most kMaxJsonDepth deep; errors start with
// `source` (usually the file name).
nlohmann::json parse_json_object(const std::string& text, const std::string& source);

}  // namespace bertlab
