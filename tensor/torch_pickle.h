// The pickle inside a PyTorch checkpoint (data.pkl), read without running anything.
//
// Python's pickle is a little program for a stack machine: each opcode pushes a value (a string,
// an int, a tuple built from the values above a MARK), and two of them can run code: GLOBAL names
// any Python function ("os system") and REDUCE calls it with a tuple of arguments. That is why
// loading an untrusted .bin with torch.load(weights_only=False) can run anything. A state dict
// needs only three callables, so this machine knows only those, and refuses everything else:
//
//   {'bert.pooler.dense.bias': torch._utils._rebuild_tensor_v2(
//        <persistent id ('storage', torch.FloatStorage, '7', 'cpu', 4)>,   storage "7": 4 floats
//        0, (4,), (1,), False, collections.OrderedDict())}                 offset, size, stride
//
// Accepted GLOBALs: collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter and the storage types torch.FloatStorage, HalfStorage,
// BFloat16Storage, DoubleStorage, LongStorage, IntStorage, ShortStorage, CharStorage, ByteStorage,
// BoolStorage. REDUCE may call only the first three. BUILD may only set an OrderedDict's
// attributes (the state dict's _metadata, which is ignored). Accepted opcodes: the table in
// torch_pickle.cpp (protocol 2, as torch.save writes, and the framing of protocols 4-5);
// INST, OBJ, NEWOBJ, EXT*, PERSID and the text opcodes of protocol 0 are refused.
// PyTorch's own torch.load(weights_only=True) works the same way (torch/_weights_only_unpickler.py).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tensor/shape.h"  // defines: Shape

namespace bertlab {

// One tensor of the state dict, as _rebuild_tensor_v2 describes it. Its numbers are the storage's
// elements storage_offset + Σ index[k] × stride[k]; the storage's bytes are the zip entry
// "<archive>/data/<storage_key>". Two tensors may share one storage (tied weights, views).
struct PickledTensor {
  std::string name;         // the state dict's key
  std::string dtype;        // safetensors' spelling: "F32", "F16", "BF16", "F64", "I64", "I32", ...
  int64_t element_size = 0;
  std::string storage_key;
  int64_t storage_numel = 0;  // elements in the storage, as the persistent id declares
  int64_t storage_offset = 0;
  Shape shape;
  Shape stride;
};

// The tensors of a pickled dict {name: tensor}, in the pickle's order. Throws bertlab::Error
// naming `where` (e.g. "torch '<file>': data.pkl") and the byte at which something was refused.
// The pickle ends at its STOP; `consumed`, when given, receives its length (the legacy format
// has several pickles back to back).
std::vector<PickledTensor> unpickle_state_dict(std::string_view pickle, const std::string& where,
                                               size_t* consumed = nullptr);
// The same rules for the legacy format's other pickles: a list of strings (the storage keys), and
// plain values to pass over (the protocol version, sys_info); each returns or sets its length.
std::vector<std::string> unpickle_strings(std::string_view pickle, const std::string& where, size_t* consumed);
size_t skip_pickle(std::string_view pickle, const std::string& where);

}  // namespace bertlab
