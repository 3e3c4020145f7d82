// Reading the JSON files of a model folder (config.json, adapter_config.json) with errors that
// name the file and the field:
//   const json j = parse_json_object(read_text_file(path, "BertConfig"), path.string());
//   read_field(j, "hidden_size", config.hidden_size, path.string(), /*required=*/true);
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "json/parse.h"     // defines: parse_json, json_excerpt
#include "tensor/error.h"  // defines: Error, BERT_CHECK

namespace bertlab {

// The whole file as text; `who` names the reader in the error ("BertConfig: cannot open ...").
std::string read_text_file(const std::filesystem::path& path, const std::string& who);

// Parses `text`, which must be a JSON object nested at most kMaxJsonDepth deep; errors start with
// `source` (usually the file name).
nlohmann::json parse_json_object(const std::string& text, const std::string& source);

// Reads j[key] into out when present (null counts as absent unless required); a value of the
// wrong type is an error naming the field and quoting the start of the value.
template <typename T>
void read_field(const nlohmann::json& j, const char* key, T& out, const std::string& source, bool required = false) {
  const auto it = j.find(key);
  if (it == j.end() || (it->is_null() && !required)) {
    BERT_CHECK(!required, "{}: missing required field \"{}\". Hint: is this a BERT config.json?", source, key);
    return;
  }
  try {
    if constexpr (std::is_same_v<T, int64_t>) {
      BERT_CHECK(it->is_number_integer(), "{}: field \"{}\": expected an integer, got {}", source, key,
                 json_excerpt(*it));
    } else if constexpr (std::is_same_v<T, double>) {
      BERT_CHECK(it->is_number(), "{}: field \"{}\": expected a number, got {}", source, key,
                 json_excerpt(*it));
    }
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(fmt::format("{}: field \"{}\" has the wrong type: got {}", source, key, json_excerpt(*it)));
  }
}

}  // namespace bertlab
