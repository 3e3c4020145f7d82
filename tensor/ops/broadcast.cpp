#include "tensor/ops/broadcast.h"  // defines: BroadcastIndex

namespace bertlab::detail {

BroadcastIndex::BroadcastIndex(const Shape& in_shape, const Shape& out_shape)
    : out_shape_(out_shape), in_strides_(out_shape.size(), 0), identity_(in_shape == out_shape) {
  const Shape strides = contiguous_strides(in_shape);
  const size_t lead = out_shape.size() - in_shape.size();  // missing leading dims broadcast
  for (size_t d = 0; d < in_shape.size(); ++d)
    in_strides_[lead + d] = in_shape[d] == 1 ? 0 : strides[d];
}

int64_t BroadcastIndex::operator()(int64_t i) const {
  if (identity_) return i;
  int64_t offset = 0;
  for (size_t d = out_shape_.size(); d-- > 0;) {  // peel dimensions from the innermost
    offset += (i % out_shape_[d]) * in_strides_[d];
    i /= out_shape_[d];
  }
  return offset;
}

}  // namespace bertlab::detail
