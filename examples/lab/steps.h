// The lab's three steps, one program each (examples/lab0N_*.cpp); `bertlab lab` runs them in order.
// Each takes a model folder or a Hub name and prints the notebook's cells with their outputs.
#pragma once

#include <string>

namespace bertlab::lab {

struct LabOptions;  // examples/lab/notebook.h: the model and its attn_implementation

void lab01_tokenizer(const LabOptions& options);   // In [3]..In [8]: BertTokenizer
void lab02_bert_model(const LabOptions& options);  // In [9]..In [13]: BertModel
void lab03_masked_lm(const LabOptions& options);   // In [14]..In [19]: BertForMaskedLM, fill-mask

}  // namespace bertlab::lab
