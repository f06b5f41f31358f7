// The driver entry points cudasim's runtime, cuBLAS and cuDNN use, reached the
// way NVIDIA's libraries reach the driver: dlopen("libcuda.so.1"), dlsym of
// cuGetProcAddress_v2 only, then cuGetProcAddress for every other function.
// Going through cuGetProcAddress is the point: an interposer sees exactly the
// calls it sees on a real machine.
#pragma once

#include <cuda.h>

#include "cudasim/kernel.h"

namespace cudasim {

// X(member, symbol-asked-for): the symbol is the base name a CUDA 13 runtime
// passes to cuGetProcAddress; the driver answers with the versioned function
// (cuMemAlloc -> cuMemAlloc_v2) whose type the header macro names.
#define CUDASIM_DRIVER_API(X)                                        \
  X(cuInit, "cuInit")                                                \
  X(cuDriverGetVersion, "cuDriverGetVersion")                        \
  X(cuDeviceGet, "cuDeviceGet")                                      \
  X(cuDeviceGetCount, "cuDeviceGetCount")                            \
  X(cuDeviceGetName, "cuDeviceGetName")                              \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute")                    \
  X(cuDeviceTotalMem, "cuDeviceTotalMem")                            \
  X(cuDeviceGetPCIBusId, "cuDeviceGetPCIBusId")                      \
  X(cuDeviceGetUuid, "cuDeviceGetUuid")                              \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")            \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease")          \
  X(cuDevicePrimaryCtxReset, "cuDevicePrimaryCtxReset")              \
  X(cuCtxSetCurrent, "cuCtxSetCurrent")                              \
  X(cuCtxGetCurrent, "cuCtxGetCurrent")                              \
  X(cuMemGetInfo, "cuMemGetInfo")                                    \
  X(cuMemAlloc, "cuMemAlloc")                                        \
  X(cuMemAllocPitch, "cuMemAllocPitch")                              \
  X(cuMemFree, "cuMemFree")                                          \
  X(cuMemAllocHost, "cuMemAllocHost")                                \
  X(cuMemFreeHost, "cuMemFreeHost")                                  \
  X(cuMemHostAlloc, "cuMemHostAlloc")                                \
  X(cuMemGetAddressRange, "cuMemGetAddressRange")                    \
  X(cuPointerGetAttribute, "cuPointerGetAttribute")                  \
  X(cuMemcpy, "cuMemcpy")                                            \
  X(cuMemcpyAsync, "cuMemcpyAsync")                                  \
  X(cuMemcpyHtoD, "cuMemcpyHtoD")                                    \
  X(cuMemcpyDtoH, "cuMemcpyDtoH")                                    \
  X(cuMemcpyDtoD, "cuMemcpyDtoD")                                    \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync")                          \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync")                          \
  X(cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync")                          \
  X(cuMemsetD8, "cuMemsetD8")                                        \
  X(cuMemsetD32, "cuMemsetD32")                                      \
  X(cuMemsetD8Async, "cuMemsetD8Async")                              \
  X(cuMemsetD32Async, "cuMemsetD32Async")                            \
  X(cuStreamCreate, "cuStreamCreate")                                \
  X(cuStreamDestroy, "cuStreamDestroy")                              \
  X(cuStreamSynchronize, "cuStreamSynchronize")                      \
  X(cuStreamQuery, "cuStreamQuery")                                  \
  X(cuStreamWaitEvent, "cuStreamWaitEvent")                          \
  X(cuStreamAddCallback, "cuStreamAddCallback")                      \
  X(cuLaunchHostFunc, "cuLaunchHostFunc")                            \
  X(cuEventCreate, "cuEventCreate")                                  \
  X(cuEventRecord, "cuEventRecord")                                  \
  X(cuEventSynchronize, "cuEventSynchronize")                        \
  X(cuEventQuery, "cuEventQuery")                                    \
  X(cuEventElapsedTime, "cuEventElapsedTime")                        \
  X(cuEventDestroy, "cuEventDestroy")                                \
  X(cuModuleLoadData, "cuModuleLoadData")                            \
  X(cuModuleGetFunction, "cuModuleGetFunction")                      \
  X(cuFuncGetParamInfo, "cuFuncGetParamInfo")                        \
  X(cuLibraryLoadData, "cuLibraryLoadData")                          \
  X(cuLibraryGetKernel, "cuLibraryGetKernel")                        \
  X(cuKernelGetFunction, "cuKernelGetFunction")                      \
  X(cuLaunchKernel, "cuLaunchKernel")                                \
  X(cuGetErrorName, "cuGetErrorName")                                \
  X(cuGetErrorString, "cuGetErrorString")                            \
  /* Asked for at CUDA 13.0, these two are answered with the _v2 ABI  */ \
  /* (an explicit context), so the member carries the _v2 type.       */ \
  X(cuCtxGetDevice_v2, "cuCtxGetDevice")                             \
  X(cuCtxSynchronize_v2, "cuCtxSynchronize")

struct DriverApi {
#define CUDASIM_DRIVER_API_MEMBER(member, symbol) decltype(&::member) member = nullptr;
  CUDASIM_DRIVER_API(CUDASIM_DRIVER_API_MEMBER)
#undef CUDASIM_DRIVER_API_MEMBER
  // cudasim's own entry points, found with dlsym on the driver's handle.
  cudasimRegisterKernel_t registerKernel = nullptr;
  cudasimModuleImage_t moduleImage = nullptr;
};

// Loads the driver once per process (thread-safe). Returns nullptr when
// libcuda.so.1 cannot be loaded or lacks an entry point; `why` then says which.
const DriverApi* driver_api(const char** why = nullptr);

}  // namespace cudasim
