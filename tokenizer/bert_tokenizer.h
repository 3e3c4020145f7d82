// BertTokenizer: text in, model inputs out, exactly as HuggingFace's (slow) BertTokenizer.
//
//   auto tokenizer = BertTokenizer::from_pretrained("bert-base-uncased");  // or a folder
//   tokenizer.tokenize("a hackathon")  -> {"a", "hack", "##ath", "##on"}
//   tokenizer("a hackathon")           -> input_ids [101, 1037, 20578, 8988, 2239, 102]
//   tokenizer("one", "two")            -> [CLS] one [SEP] two [SEP], token_type_ids 0 0 0 1 1
// Pipeline: typed special tokens ("[MASK]") are cut out first, BasicTokenizer splits the rest
// into words, WordpieceTokenizer splits words into pieces; then [CLS]/[SEP], truncation and
// padding make the Encoding. decode() goes back from ids to (normalized) text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/basic_tokenizer.h"  // defines: BasicTokenizer
#include "tokenizer/encoding.h"         // defines: Encoding, BatchEncoding, EncodeOptions
#include "tokenizer/vocab.h"            // defines: Vocab
#include "tokenizer/wordpiece.h"        // defines: WordpieceTokenizer, Token

namespace bertlab::tokenizer {

// The settings HF reads from tokenizer_config.json.
struct TokenizerConfig {
  bool do_lower_case = true;
  // Accent stripping (NFD, then drop the Mn marks): HF's None (nullopt) strips when
  // do_lower_case does; true/false force it on/off either way.
  std::optional<bool> strip_accents;
  // CJK ideographs become words of their own; false leaves them inside words.
  bool tokenize_chinese_chars = true;
  // Whitespace-separated tokens kept whole: not lowercased, stripped, split on punctuation nor
  // cut into WordPieces (one token: its vocab id, or [UNK]'s).
  std::vector<std::string> never_split;
  // BERT's position limit. HF leaves it unset for a folder without tokenizer_config.json
  // (then no default truncation); we use 512, as the Hub's bert-base-uncased config says.
  int64_t model_max_length = 512;

  // The settings in the text of a tokenizer_config.json; other keys are ignored. Errors
  // (TokenizerError) start with `source`, usually the file name.
  static TokenizerConfig from_json_string(const std::string& text, const std::string& source);
};

class BertTokenizer {
 public:
  // A local model folder (vocab.txt + optional tokenizer_config.json), a vocab file, or a hub
  // name ("bert-base-uncased") found in the HuggingFace cache or downloaded into it
  // (hub/resolve.h, docs/models.md).
  static BertTokenizer from_pretrained(const std::string& name_or_path);
  // Throws TokenizerError if [PAD], [UNK], [CLS], [SEP] or [MASK] is missing.
  explicit BertTokenizer(Vocab vocab, TokenizerConfig config = {});

  // -------- text -> tokens -> ids
  std::vector<std::string> tokenize(std::string_view text) const;
  // The tokens of a text with their ids and [start, end) spans in code points.
  std::vector<Token> tokenize_with_offsets(std::string_view text) const;
  std::vector<int64_t> convert_tokens_to_ids(const std::vector<std::string>& tokens) const;
  int64_t convert_tokens_to_ids(std::string_view token) const;  // unknown -> [UNK]'s id
  std::vector<std::string> convert_ids_to_tokens(const std::vector<int64_t>& ids) const;
  std::string convert_ids_to_tokens(int64_t id) const;

  // -------- tokenizer(text), tokenizer(text, pair), tokenizer(texts), tokenizer(texts, pairs)
  Encoding operator()(std::string_view text, const EncodeOptions& options = {}) const;
  Encoding operator()(std::string_view text, std::string_view pair,
                      const EncodeOptions& options = {}) const;
  BatchEncoding operator()(const std::vector<std::string>& texts,
                           const EncodeOptions& options = {}) const;
  BatchEncoding operator()(const std::vector<std::string>& texts,
                           const std::vector<std::string>& pairs,
                           const EncodeOptions& options = {}) const;

  // -------- ids -> text: "[CLS] hack ##ath ##on ! [SEP]" -> "[CLS] hackathon! [SEP]"
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens = false) const;

  const Vocab& vocab() const { return *vocab_; }
  const TokenizerConfig& config() const { return config_; }
  int64_t pad_token_id() const { return pad_id_; }
  int64_t unk_token_id() const { return unk_id_; }
  int64_t cls_token_id() const { return cls_id_; }
  int64_t sep_token_id() const { return sep_id_; }
  int64_t mask_token_id() const { return mask_id_; }

 private:
  struct Options;  // EncodeOptions after HF's defaults are applied
  Options resolve(const EncodeOptions& options) const;
  Encoding encode_single(std::string_view text, const std::string_view* pair,
                         const EncodeOptions& options) const;
  BatchEncoding encode_batch(const std::vector<std::string>& texts,
                             const std::vector<std::string>* pairs,
                             const EncodeOptions& options) const;
  Encoding encode_unpadded(std::string_view text, const std::string_view* pair,
                           const Options& options) const;
  Encoding assemble(const std::vector<Token>& a, const std::vector<Token>* b, bool specials) const;
  std::vector<Encoding> encode_windows(std::string_view text, std::string_view pair,
                                       const Options& options) const;
  void pad(Encoding& encoding, size_t length) const;

  std::shared_ptr<const Vocab> vocab_;
  TokenizerConfig config_;
  BasicTokenizer basic_;
  WordpieceTokenizer wordpiece_;
  int32_t pad_id_, unk_id_, cls_id_, sep_id_, mask_id_;
  std::vector<std::pair<std::u32string, int32_t>> special_tokens_;  // matched in raw text
};

}  // namespace bertlab::tokenizer
