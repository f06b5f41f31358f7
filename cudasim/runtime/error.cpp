// The error-reporting API: last error per thread, names and descriptions.
#include <cuda_runtime_api.h>

#include "api.h"
#include "error_map.h"

using namespace cudasim::rt;

CUDASIM_RUNTIME_EXPORT cudaError_t cudaGetLastError() {
  return take_last_error();
}

CUDASIM_RUNTIME_EXPORT cudaError_t cudaPeekAtLastError() {
  return peek_last_error();
}

CUDASIM_RUNTIME_EXPORT const char* cudaGetErrorName(cudaError_t error) {
  const char* name = error_name(error);
  return name != nullptr ? name : "cudaErrorUnknown";
}

CUDASIM_RUNTIME_EXPORT const char* cudaGetErrorString(cudaError_t error) {
  const char* description = error_description(error);
  return description != nullptr ? description : "unrecognized error code";
}
