// Broadcasting index arithmetic shared by the ops that broadcast (add, sub, mul, softmax's mask).
//
// An input of shape [3, 1] broadcast to [2, 3, 4] is read as if it were [1, 3, 1] repeated:
// its stride is 0 along every dimension where it has size 1 (or is missing), so walking the
// output index by index visits the input element that PyTorch would use.
#pragma once

#include <vector>

#include "tensor/shape.h"  // defines: Shape

namespace bertlab::detail {

class BroadcastIndex {
 public:
  BroadcastIndex(const Shape& in_shape, const Shape& out_shape);
  // The input offset of the output element at flat (row-major) index i.
  int64_t operator()(int64_t i) const;
  bool is_identity() const { return identity_; }  // same shape: offset(i) == i

 private:
  Shape out_shape_;
  Shape in_strides_;  // aligned with out_shape_; 0 where the input is broadcast
  bool identity_;
};

}  // namespace bertlab::detail
