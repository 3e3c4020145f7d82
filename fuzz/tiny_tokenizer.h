// The tokenizer the fuzz targets share: a tiny inline vocabulary (no files needed) with pieces
// for ASCII, an accent and a CJK character, so that short inputs reach every tokenizer branch.
#pragma once

#include "tokenizer/bert_tokenizer.h"  // defines: BertTokenizer, TokenizerConfig

inline bertlab::tokenizer::Vocab tiny_vocab() {
  return bertlab::tokenizer::Vocab({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a",      "b",    "ab",
                                    "##a",   "##b",   "##ab",  "un",    "##aff",  "##able", ".",    ",",
                                    "!",     "[",     "]",     "e",     "##e",    "日",     "mask", "##s"});
}

// Built once: a target runs millions of inputs through it.
inline const bertlab::tokenizer::BertTokenizer& tiny_tokenizer() {
  static const bertlab::tokenizer::BertTokenizer instance(tiny_vocab());
  return instance;
}
