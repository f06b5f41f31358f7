// Host symbols of kernels -> driver kernels. A program binds each symbol to a
// (module, name) pair once (cudasimRegisterFunction, the counterpart of
// __cudaRegisterFunction). As NVIDIA's runtime does since CUDA 12, a module
// is loaded as a library (cuLibraryLoadData) the first time one of its
// kernels is needed, once per process and for every context, and kernels are
// launched through their CUkernel handles (cuLibraryGetKernel), which
// cuLaunchKernel takes where a CUfunction goes.
#pragma once

#include <cuda.h>
#include <driver_types.h>

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "driver_api.h"

namespace cudasim::rt {

class FunctionRegistry {
 public:
  // Binding a symbol again to the same kernel is a no-op; to another kernel
  // it is cudaErrorInvalidValue.
  cudaError_t add(const void* symbol, const char* module, const char* name);

  // The CUkernel bound to a symbol; cudaErrorInvalidDeviceFunction for a
  // symbol that was never registered or names a kernel its module lacks.
  cudaError_t kernel(const DriverApi& api, const void* symbol, CUkernel* out);

 private:
  struct Binding {
    std::string module;
    std::string name;
  };

  std::mutex mutex_;
  std::unordered_map<const void*, Binding> bindings_;
  std::map<std::string, CUlibrary> libraries_;
  std::unordered_map<const void*, CUkernel> kernels_;
};

// The process's registry (registrations happen before any device exists).
FunctionRegistry& function_registry();

}  // namespace cudasim::rt
