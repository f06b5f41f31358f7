// What every exported runtime function shares: C linkage with default
// visibility (the library is built with hidden visibility), and a body that
// never lets an exception cross the C boundary and records its error for
// cudaGetLastError.
#pragma once

#include <driver_types.h>

#include <new>

#include "last_error.h"

#define CUDASIM_RUNTIME_EXPORT extern "C" __attribute__((visibility("default")))

namespace cudasim::rt {

template <typename Body>
cudaError_t api_call(Body&& body) noexcept {
  cudaError_t error = cudaErrorUnknown;
  try {
    error = body();
  } catch (const std::bad_alloc&) {
    error = cudaErrorMemoryAllocation;
  } catch (...) {
    error = cudaErrorUnknown;
  }
  return record(error);
}

}  // namespace cudasim::rt
