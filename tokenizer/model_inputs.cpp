// BertTokenizer's calls: tokens -> model inputs. The steps of HF's tokenizer(...) in order:
//   resolve the options -> tokenize -> truncate -> add [CLS]/[SEP] -> pad.
// HF's version: PreTrainedTokenizerBase in transformers v4.40.0
// (_get_padding_truncation_strategies, truncate_sequences, pad),
// https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/tokenization_utils_base.py#L1548
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer
#include "tokenizer/error.h"           // defines: TokenizerError

namespace bertlab::tokenizer {

// ---------------------------------------------------------------------------------------------
// Options: HF's defaults and spellings resolved to one strategy each
// ---------------------------------------------------------------------------------------------

struct BertTokenizer::Options {
  bool add_special_tokens;
  Padding padding;
  Truncation truncation;
  std::optional<int64_t> max_length;
  int64_t stride;
  bool return_overflowing_tokens;
};

BertTokenizer::Options BertTokenizer::resolve(const EncodeOptions& options) const {
  if (options.max_length && *options.max_length < 0) {
    throw TokenizerError(fmt::format(
        "BertTokenizer: negative max_length: expected a length >= 0, got {}. Hint: leave it "
        "unset for the model's limit ({})",
        *options.max_length, config_.model_max_length));
  }
  Options out{options.add_special_tokens, Padding::do_not_pad, Truncation::do_not_truncate,
              options.max_length, options.stride, options.return_overflowing_tokens};
  const bool padding_is_false =
      std::holds_alternative<bool>(options.padding) && !std::get<bool>(options.padding);
  auto truncation = options.truncation;
  // max_length alone (padding=False, truncation not passed) switches truncation on.
  if (options.max_length && padding_is_false && !truncation) truncation = Truncation::longest_first;

  if (const bool* on = std::get_if<bool>(&options.padding)) {
    out.padding = *on ? Padding::longest : Padding::do_not_pad;
  } else {
    out.padding = std::get<Padding>(options.padding);
  }
  if (truncation) {
    if (const bool* on = std::get_if<bool>(&*truncation)) {
      out.truncation = *on ? Truncation::longest_first : Truncation::do_not_truncate;
    } else {
      out.truncation = std::get<Truncation>(*truncation);
    }
  }
  if (!out.max_length &&
      (out.padding == Padding::max_length || out.truncation != Truncation::do_not_truncate)) {
    out.max_length = config_.model_max_length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Truncation: remove tokens from the right end of a segment
// ---------------------------------------------------------------------------------------------

namespace {

// HF logs these and goes on; so do we, on stderr.
void warn(const std::string& message) { fmt::print(stderr, "warning: {}\n", message); }

// HF logs some notices only once per program (or on every call, where once is enough to inform).
void warn_once(std::once_flag& flag, const std::string& message) {
  std::call_once(flag, [&message] { warn(message); });
}

void drop_last(std::vector<Token>& tokens, size_t count) {
  tokens.resize(tokens.size() - std::min(count, tokens.size()));
}

// Removes `remove` tokens from a and/or b (b == nullptr: no pair), as HF does. When the
// chosen segment is too short, HF leaves both untouched (and logs why).
void truncate(std::vector<Token>& a, std::vector<Token>* b, Truncation strategy, size_t remove) {
  if (strategy == Truncation::only_first || (strategy == Truncation::longest_first && !b)) {
    if (a.size() > remove) return drop_last(a, remove);
    warn(
        fmt::format("truncation: cannot remove {} tokens: the first sequence has only {}; it "
                    "is left as is. Hint: choose a larger max_length",
                    remove, a.size()));
  } else if (strategy == Truncation::longest_first) {
    // Same as removing one token at a time from the longer segment (from b on a tie).
    const size_t len_a = a.size(), len_b = b->size();
    const size_t first = std::min(len_a > len_b ? len_a - len_b : len_b - len_a, remove);
    const size_t second = remove - first;
    const size_t from_a = len_a > len_b ? first + second / 2 : second / 2;
    drop_last(a, from_a);
    drop_last(*b, remove - from_a);
    // transformers' notice word for word, bare as its logger prints it (the notebook's In [8]).
    static std::once_flag once;
    std::call_once(once, [] {
      fmt::print(stderr,
                 "Be aware, overflowing tokens are not returned for the setting you have chosen, i.e. "
                 "sequence pairs with the 'longest_first' truncation strategy. So the returned list will "
                 "always be empty even if some tokens have been removed.\n");
    });
  } else if (strategy == Truncation::only_second && b) {
    if (b->size() > remove) return drop_last(*b, remove);
    warn(
        fmt::format("truncation: cannot remove {} tokens: the second sequence has only {}; it "
                    "is left as is. Hint: choose a larger max_length",
                    remove, b->size()));
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// One example: [CLS] A [SEP] (B [SEP]), unpadded
// ---------------------------------------------------------------------------------------------

Encoding BertTokenizer::encode_unpadded(std::string_view text, const std::string_view* pair,
                                        const Options& options) const {
  std::vector<Token> a = tokenize_with_offsets(text), b;
  if (pair) b = tokenize_with_offsets(*pair);
  const size_t n_special = options.add_special_tokens ? (pair ? 3 : 2) : 0;
  const size_t total = a.size() + b.size() + n_special;
  // A max_length of 0 means "no limit" here.
  if (options.truncation != Truncation::do_not_truncate && options.max_length.value_or(0) > 0 &&
      total > static_cast<size_t>(*options.max_length)) {
    truncate(a, pair ? &b : nullptr, options.truncation, total - *options.max_length);
  }

  // Without truncation a text can outgrow the model's position embeddings: say so, once.
  if (!options.max_length &&
      a.size() + b.size() + n_special > static_cast<size_t>(config_.model_max_length)) {
    static std::once_flag once;
    warn_once(once, fmt::format("BertTokenizer: sequence longer than the model accepts: expected "
                                "at most model_max_length = {} tokens, got {}. Hint: pass "
                                "truncation = true",
                                config_.model_max_length, a.size() + b.size() + n_special));
  }

  return assemble(a, pair ? &b : nullptr, options.add_special_tokens);
}

// [CLS] a [SEP] (b [SEP]) from tokens, unpadded.
Encoding BertTokenizer::assemble(const std::vector<Token>& a, const std::vector<Token>* b,
                                 bool specials) const {
  Encoding out;
  const size_t size = a.size() + (b ? b->size() : 0) + (specials ? (b ? 3 : 2) : 0);
  for (auto* row :
       {&out.input_ids, &out.token_type_ids, &out.attention_mask, &out.special_tokens_mask}) {
    row->reserve(size);
  }
  out.offset_mapping.reserve(size);
  auto push = [&out](int64_t id, int64_t type, int64_t start, int64_t end, int64_t special) {
    out.input_ids.push_back(id);
    out.token_type_ids.push_back(type);
    out.attention_mask.push_back(1);
    out.special_tokens_mask.push_back(special);
    out.offset_mapping.emplace_back(start, end);
  };
  if (specials) push(cls_id_, 0, 0, 0, 1);
  for (const Token& t : a) push(t.id, 0, t.start, t.end, 0);
  if (specials) push(sep_id_, 0, 0, 0, 1);
  if (!b) return out;
  // The slow tokenizer marks segment B with type 1 only when it adds the special tokens.
  const int64_t type_b = specials ? 1 : 0;
  for (const Token& t : *b) push(t.id, type_b, t.start, t.end, 0);
  if (specials) push(sep_id_, type_b, 0, 0, 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Overflowing windows of the second text (question answering), as HF's fast tokenizer
// (tokenizers' Encoding::truncate): windows of W tokens starting every W - stride tokens,
// the last one being the first that reaches the end. Each window is paired with the whole text.
// ---------------------------------------------------------------------------------------------

std::vector<Encoding> BertTokenizer::encode_windows(std::string_view text, std::string_view pair,
                                                    const Options& options) const {
  if (options.truncation != Truncation::only_second) {
    throw TokenizerError(
        "BertTokenizer: return_overflowing_tokens: expected truncation 'only_second' with a pair "
        "(the question-answering windows), got another strategy. Hint: set "
        "truncation = Truncation::only_second");
  }
  const std::vector<Token> a = tokenize_with_offsets(text), b = tokenize_with_offsets(pair);
  const int64_t n_special = options.add_special_tokens ? 3 : 0;
  const int64_t window = *options.max_length - n_special - static_cast<int64_t>(a.size());
  if (window <= options.stride) {
    throw TokenizerError(fmt::format(
        "BertTokenizer: overflowing windows: the first text leaves {} tokens per window, which "
        "must be more than stride ({}). Hint: use a larger max_length or a shorter first text",
        window, options.stride));
  }
  std::vector<Encoding> out;
  const int64_t n = static_cast<int64_t>(b.size());
  for (int64_t start = 0;; start += window - options.stride) {
    const int64_t stop = std::min(start + window, n);
    const std::vector<Token> part(b.begin() + start, b.begin() + stop);
    out.push_back(assemble(a, &part, options.add_special_tokens));
    if (stop == n) return out;
  }
}

// Appends [PAD] up to `length`: id 0, type 0, attention 0, special 1, offsets (0, 0).
void BertTokenizer::pad(Encoding& encoding, size_t length) const {
  while (encoding.size() < length) {
    encoding.input_ids.push_back(pad_id_);
    encoding.token_type_ids.push_back(0);
    encoding.attention_mask.push_back(0);
    encoding.special_tokens_mask.push_back(1);
    encoding.offset_mapping.emplace_back(0, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// The calls: one text / pair, and batches
// ---------------------------------------------------------------------------------------------

Encoding BertTokenizer::operator()(std::string_view text, const EncodeOptions& options) const {
  return encode_single(text, nullptr, options);
}

Encoding BertTokenizer::operator()(std::string_view text, std::string_view pair,
                                   const EncodeOptions& options) const {
  return encode_single(text, &pair, options);
}

BatchEncoding BertTokenizer::operator()(const std::vector<std::string>& texts,
                                        const EncodeOptions& options) const {
  return encode_batch(texts, nullptr, options);
}

BatchEncoding BertTokenizer::operator()(const std::vector<std::string>& texts,
                                        const std::vector<std::string>& pairs,
                                        const EncodeOptions& options) const {
  if (texts.size() != pairs.size()) {
    throw TokenizerError(fmt::format(
        "BertTokenizer: batch of pairs: expected as many pairs as texts, got {} texts and {} "
        "pairs. Hint: pair texts[i] with pairs[i]",
        texts.size(), pairs.size()));
  }
  return encode_batch(texts, &pairs, options);
}

Encoding BertTokenizer::encode_single(std::string_view text, const std::string_view* pair,
                                      const EncodeOptions& options) const {
  const Options resolved = resolve(options);
  Encoding out = encode_unpadded(text, pair, resolved);
  // A single example pads only to max_length ("longest" is itself), and, as in HF, an empty
  // sequence is never padded.
  if (resolved.padding == Padding::max_length && out.size() > 0) pad(out, *resolved.max_length);
  return out;
}

// Every row is tokenized and truncated on its own; padding then evens out the rows.
BatchEncoding BertTokenizer::encode_batch(const std::vector<std::string>& texts,
                                          const std::vector<std::string>* pairs,
                                          const EncodeOptions& options) const {
  const Options resolved = resolve(options);
  BatchEncoding out;
  size_t longest = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string_view pair = pairs ? std::string_view((*pairs)[i]) : std::string_view();
    std::vector<Encoding> rows;
    if (resolved.return_overflowing_tokens && pairs) {
      rows = encode_windows(texts[i], pair, resolved);
    } else {
      rows.push_back(encode_unpadded(texts[i], pairs ? &pair : nullptr, resolved));
    }
    for (Encoding& row : rows) {
      longest = std::max(longest, row.size());
      out.rows.push_back(std::move(row));
      out.overflow_to_sample_mapping.push_back(static_cast<int64_t>(i));
    }
  }
  if (resolved.padding == Padding::do_not_pad) return out;
  const size_t length =
      resolved.padding == Padding::longest ? longest : static_cast<size_t>(*resolved.max_length);
  for (Encoding& row : out.rows) pad(row, length);
  return out;
}

}  // namespace bertlab::tokenizer
