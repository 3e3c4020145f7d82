#pragma once

#include "bert/embeddings.h"  // defines: BertEmbeddings

namespace bertlab::exercises {

// BertEmbeddings' forward in eval mode: input_ids, token_type_ids [B, S] -> [B, S, H].
Tensor embeddings_sum(const IntTensor& input_ids, const IntTensor& token_type_ids,
                      const bert::BertEmbeddings& embeddings);

}  // namespace bertlab::exercises
