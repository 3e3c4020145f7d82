// BertTokenizer: loading, text -> tokens, ids -> text. Building the model inputs (special
// tokens, truncation, padding) is in model_inputs.cpp.
// HF's version: class BertTokenizer in transformers v4.40.0,
// https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/bert/tokenization_bert.py#L52
#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer, TokenizerConfig

#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "hub/resolve.h"        // defines: resolve_model
#include "json/parse.h"          // defines: parse_json, json_excerpt
#include "tokenizer/error.h"    // defines: TokenizerError
#include "tokenizer/unicode.h"  // defines: decode_utf8

namespace bertlab::tokenizer {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

// do_lower_case, strip_accents, tokenize_chinese_chars, never_split and model_max_length; other keys are
// ignored.
TokenizerConfig TokenizerConfig::from_json_string(const std::string& text, const std::string& source) {
  TokenizerConfig config;
  const nlohmann::json json = parse_json<TokenizerError>(text, "BertTokenizer: bad tokenizer_config.json " + source);
  if (!json.is_object()) {
    throw TokenizerError(fmt::format(
        "BertTokenizer: bad tokenizer_config.json: expected a JSON object, got {} in {}. Hint: "
        "check the file, or delete it to use the defaults",
        json.type_name(), source));
  }
  const std::string where = "BertTokenizer: tokenizer_config.json " + source;
  read_field<TokenizerError>(json, "do_lower_case", config.do_lower_case, where);
  bool strip_accents = false;  // null or absent: HF's None, strip when lowercasing
  if (json.contains("strip_accents") && !json["strip_accents"].is_null()) {
    read_field<TokenizerError>(json, "strip_accents", strip_accents, where);
    config.strip_accents = strip_accents;
  }
  read_field<TokenizerError>(json, "tokenize_chinese_chars", config.tokenize_chinese_chars, where);
  read_field<TokenizerError>(json, "never_split", config.never_split, where);
  // Some configs say 1e30 for "no limit": read a number, and clamp what does not fit in an int64.
  double max_length = static_cast<double>(config.model_max_length);
  read_field<TokenizerError>(json, "model_max_length", max_length, where);
  // A negative length is refused, as a negative max_length is (and -1e30 would not fit either).
  if (max_length < 0)
    throw TokenizerError(fmt::format("{}: field \"model_max_length\": expected a length >= 0, got {}", where,
                                     max_length));
  config.model_max_length =
      max_length >= 9.0e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(max_length);
  return config;
}

namespace {

TokenizerConfig read_tokenizer_config(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  return TokenizerConfig::from_json_string(text, path.string());
}

// The vocab, checked for the five special tokens BERT cannot work without.
std::shared_ptr<const Vocab> with_special_tokens(Vocab vocab) {
  for (const char* token : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    if (!vocab.contains(token)) {
      throw TokenizerError(fmt::format(
          "BertTokenizer: special token missing from the vocab: expected [PAD], [UNK], [CLS], "
          "[SEP] and [MASK], got no {} among {} tokens. Hint: is this a BERT vocab.txt?",
          token, vocab.size()));
    }
  }
  return std::make_shared<const Vocab>(std::move(vocab));
}

}  // namespace

BertTokenizer BertTokenizer::from_pretrained(const std::string& name_or_path) {
  // A folder, a vocab file, or a hub name resolved through the HuggingFace cache (hub/resolve.h).
  const fs::path path = hub::resolve_model(name_or_path, {"vocab.txt"}, {"tokenizer_config.json"},
                                           "BertTokenizer::from_pretrained");
  if (!fs::is_directory(path)) return BertTokenizer(Vocab::from_file(path));
  const fs::path config = path / "tokenizer_config.json";
  return BertTokenizer(Vocab::from_file(path / "vocab.txt"),
                       fs::exists(config) ? read_tokenizer_config(config) : TokenizerConfig{});
}

BertTokenizer::BertTokenizer(Vocab vocab, TokenizerConfig config)
    : vocab_(with_special_tokens(std::move(vocab))),
      config_(config),
      basic_(config.do_lower_case, config.strip_accents, config.tokenize_chinese_chars,
             config.never_split),
      wordpiece_(vocab_, "[UNK]"),
      pad_id_(vocab_->find("[PAD]")),
      unk_id_(vocab_->find("[UNK]")),
      cls_id_(vocab_->find("[CLS]")),
      sep_id_(vocab_->find("[SEP]")),
      mask_id_(vocab_->find("[MASK]")) {
  for (int32_t id : {pad_id_, unk_id_, cls_id_, sep_id_, mask_id_}) {
    special_tokens_.emplace_back(decode_utf8(vocab_->token(id)), id);
  }
}

// ---------------------------------------------------------------------------------------------
// Text -> tokens -> ids
// ---------------------------------------------------------------------------------------------

std::vector<Token> BertTokenizer::tokenize_with_offsets(std::string_view text) const {
  const std::u32string chars = decode_utf8(text);
  std::vector<Token> tokens;
  // Each word goes to WordPiece as soon as BasicTokenizer has completed it.
  const BasicTokenizer::OnWord to_pieces = [&](const Word& word) {
    if (word.never_split) {  // as HF: the token itself, looked up without WordPiece
      const int32_t id = vocab_->find(word.text);
      tokens.push_back({id >= 0 ? id : unk_id_, word.chars.front().origin, word.chars.back().end});
      return;
    }
    wordpiece_.tokenize_word(word, tokens);
  };
  auto add_words = [&](size_t begin, size_t end) {
    basic_.split(std::u32string_view(chars).substr(begin, end - begin), static_cast<int32_t>(begin),
                 to_pieces);
  };
  // A special token typed in the raw text ("[MASK]", case-sensitive) stays one token.
  size_t segment_begin = 0;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (chars[i] != U'[') continue;  // every special token starts with '['
    for (const auto& [special, id] : special_tokens_) {
      if (std::u32string_view(chars).substr(i, special.size()) != special) continue;
      add_words(segment_begin, i);
      const auto end = i + special.size();
      tokens.push_back({id, static_cast<int32_t>(i), static_cast<int32_t>(end)});
      segment_begin = end;
      i = end - 1;
      break;
    }
  }
  add_words(segment_begin, chars.size());
  return tokens;
}

std::vector<std::string> BertTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  for (const Token& token : tokenize_with_offsets(text)) out.push_back(vocab_->token(token.id));
  return out;
}

int64_t BertTokenizer::convert_tokens_to_ids(std::string_view token) const {
  const int32_t id = vocab_->find(token);
  return id >= 0 ? id : unk_id_;
}

std::vector<int64_t> BertTokenizer::convert_tokens_to_ids(
    const std::vector<std::string>& tokens) const {
  std::vector<int64_t> ids;
  for (const std::string& token : tokens) ids.push_back(convert_tokens_to_ids(token));
  return ids;
}

// As HF, an id outside the vocabulary reads as "[UNK]".
std::string BertTokenizer::convert_ids_to_tokens(int64_t id) const {
  const bool known = id >= 0 && id < static_cast<int64_t>(vocab_->size());
  return vocab_->token(known ? id : unk_id_);
}

std::vector<std::string> BertTokenizer::convert_ids_to_tokens(
    const std::vector<int64_t>& ids) const {
  std::vector<std::string> tokens;
  for (int64_t id : ids) tokens.push_back(convert_ids_to_tokens(id));
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Ids -> text
// ---------------------------------------------------------------------------------------------

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  size_t done = 0;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, done)) {
    out.append(s, done, at - done).append(to);
    done = at + from.size();
  }
  s = out.append(s, done);
}

}  // namespace

std::string BertTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const {
  std::string text;
  bool first = true;
  for (int64_t id : ids) {
    const bool special =
        id == pad_id_ || id == unk_id_ || id == cls_id_ || id == sep_id_ || id == mask_id_;
    if (skip_special_tokens && special) continue;
    if (!first) text += ' ';
    text += convert_ids_to_tokens(id);
    first = false;
  }
  replace_all(text, " ##",
              "");  // glue continuation pieces to their word: "hack ##ath" -> "hackath"
  const size_t begin = text.find_first_not_of(" \t\n\r");
  const size_t end = text.find_last_not_of(" \t\n\r");
  text = begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
  // HF's clean_up_tokenization: undo the spaces tokenization put before punctuation and
  // contractions, in this order.
  static constexpr std::pair<std::string_view, std::string_view> kCleanUps[] = {
      {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kCleanUps) replace_all(text, from, to);
  return text;
}

}  // namespace bertlab::tokenizer
