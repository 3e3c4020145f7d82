// What the checkpoint fuzz targets do with a file that opened: read every tensor it lists, so
// that each offset, stride and conversion is exercised. A listed tensor may still have a dtype
// that is not converted (U8, BOOL, ...): that is an Error, which is fine.
#pragma once

#include <string>

#include "tensor/error.h"

// File: SafetensorsFile or TorchFile (names(), entry(name).dtype, tensor(), int_tensor()).
template <typename File>
void read_every_tensor(const File& file) {
  for (const std::string& name : file.names()) {
    try {
      const std::string& dtype = file.entry(name).dtype;
      if (dtype == "I64" || dtype == "I32") file.int_tensor(name);
      else file.tensor(name).to_vector();  // touch every float
    } catch (const bertlab::Error&) {
    }
  }
}
