// Tokenizer calls written as JSON: the format of the golden cases and of `bertlab tokenize
// --jsonl`, so that any program (a Python checker, a test) can drive the tokenizer.
//
//   {"call": {"text": "Hi!", "padding": "max_length", "max_length": 6, ...}}
//     -> {"input_ids": [101, 7632, 999, 102, 0, 0], "token_type_ids": [...],
//         "attention_mask": [...], "tokens": [...], "offset_mapping": [[0, 0], [0, 2], ...],
//         "special_tokens_mask": [...]}
//   {"decode": {"ids": [101, 7632, 999, 102], "skip_special_tokens": true}}  ->  "hi!"
// The keys mirror HF's arguments; see docs/tokenizer.md for the full list.
#pragma once

#include <nlohmann/json.hpp>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer, EncodeOptions

namespace bertlab::tokenizer {

// One line of a cases file, parsed. Throws TokenizerError when it is not JSON or nests deeper
// than kMaxJsonDepth (json/parse.h).
nlohmann::json parse_json_case(const std::string& line);

// The EncodeOptions of a "call" object (add_special_tokens, padding, truncation, max_length).
EncodeOptions encode_options_from_json(const nlohmann::json& call);

// Runs one case: its "call" (an encode) or its "decode". Returns the result object (encode) or
// string (decode). Throws TokenizerError when the case is malformed.
nlohmann::json run_json_case(const BertTokenizer& tokenizer, const nlohmann::json& test_case);

}  // namespace bertlab::tokenizer
