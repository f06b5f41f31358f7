// The real-driver entry points the runtime calls. The interposer fills the
// table through a resolver that reaches the real driver behind its own hooks,
// so the runtime never re-enters a hook (and never calls dlsym itself).
#pragma once

#include <cuda.h>

#include "gpuswap/runtime/status.h"

namespace gpuswap::runtime {

// X(member, versioned symbol, required). The symbol is the exact name the
// driver exports for the ABI that cuda.h selects for `member` (cuda.h maps
// cuMemGetInfo to cuMemGetInfo_v2, so the member is typed and named after the
// versioned function too). An entry that is not required may be missing; its
// pointer then stays null and the caller checks before use.
#define GPUSWAP_RUNTIME_DRIVER_FUNCTIONS(X)                               \
  X(cuGetErrorName, "cuGetErrorName", true)                               \
  X(cuGetErrorString, "cuGetErrorString", true)                           \
  X(cuDriverGetVersion, "cuDriverGetVersion", true)                       \
  X(cuCtxGetCurrent, "cuCtxGetCurrent", true)                             \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", true)                             \
  X(cuCtxGetDevice, "cuCtxGetDevice", true)                               \
  X(cuCtxSynchronize, "cuCtxSynchronize", true)                           \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", true)                   \
  X(cuDeviceTotalMem, "cuDeviceTotalMem_v2", true)                        \
  X(cuMemGetInfo, "cuMemGetInfo_v2", true)                                \
  X(cuMemAlloc, "cuMemAlloc_v2", true)                                    \
  X(cuMemFree, "cuMemFree_v2", true)                                      \
  X(cuMemAddressReserve, "cuMemAddressReserve", true)                     \
  X(cuMemAddressFree, "cuMemAddressFree", true)                           \
  X(cuMemCreate, "cuMemCreate", true)                                     \
  X(cuMemRelease, "cuMemRelease", true)                                   \
  X(cuMemMap, "cuMemMap", true)                                           \
  X(cuMemUnmap, "cuMemUnmap", true)                                       \
  X(cuMemSetAccess, "cuMemSetAccess", true)                               \
  X(cuMemGetAllocationGranularity, "cuMemGetAllocationGranularity", true) \
  X(cuMemHostAlloc, "cuMemHostAlloc", true)                               \
  X(cuMemFreeHost, "cuMemFreeHost", true)                                 \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2", true)                      \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2", true)                      \
  X(cuStreamCreate, "cuStreamCreate", true)                               \
  X(cuStreamDestroy, "cuStreamDestroy_v2", true)                          \
  X(cuStreamSynchronize, "cuStreamSynchronize", true)                     \
  X(cuStreamQuery, "cuStreamQuery", true)                                 \
  X(cuStreamWaitEvent, "cuStreamWaitEvent", true)                         \
  X(cuEventCreate, "cuEventCreate", true)                                 \
  X(cuEventRecord, "cuEventRecord", true)                                 \
  X(cuEventQuery, "cuEventQuery", true)                                   \
  X(cuEventSynchronize, "cuEventSynchronize", true)                       \
  X(cuEventDestroy, "cuEventDestroy_v2", true)                            \
  X(cuEventElapsedTime, "cuEventElapsedTime_v2", true)                    \
  X(cuFuncGetParamInfo, "cuFuncGetParamInfo", true)                       \
  X(cuKernelGetParamInfo, "cuKernelGetParamInfo", false)                  \
  X(cuFuncGetName, "cuFuncGetName", false)                                \
  X(cuKernelGetName, "cuKernelGetName", false)

// Returns the real function for `versioned_name`, or null when the driver has
// none. `ctx` is passed through untouched.
using DriverResolver = void* (*)(const char* versioned_name, void* ctx);

struct DriverTable {
#define GPUSWAP_RUNTIME_DRIVER_MEMBER(member, symbol, required) \
  decltype(&::member) member = nullptr;
  GPUSWAP_RUNTIME_DRIVER_FUNCTIONS(GPUSWAP_RUNTIME_DRIVER_MEMBER)
#undef GPUSWAP_RUNTIME_DRIVER_MEMBER
};

struct DriverTableLoad {
  Status status;                        // kNotSupported when a required entry is missing
  const char* first_missing = nullptr;  // the first required symbol not found, else null
  int missing_optional = 0;             // optional entries left null
};

// Fills every entry of `table` through `resolve`. Entries already set are
// overwritten; missing ones are set to null.
DriverTableLoad load_driver_table(DriverTable& table, DriverResolver resolve, void* ctx);

// Every symbol of the list, in order, for tests and diagnostics.
struct DriverSymbol {
  const char* name;
  bool required;
};
const DriverSymbol* driver_symbols(int* count);

// "CUDA_ERROR_OUT_OF_MEMORY" through the table when it can, else a number-free
// fallback; never null.
const char* driver_error_name(const DriverTable& table, CUresult result);

}  // namespace gpuswap::runtime
