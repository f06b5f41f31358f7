// Host symbols of kernels -> driver functions. A program binds each symbol to
// a (module, name) pair once (cudasimRegisterFunction, the counterpart of
// __cudaRegisterFunction); the module is loaded through the driver the first
// time a context needs one of its kernels, as NVIDIA's runtime loads fatbins
// lazily, and the CUfunction is cached per context.
#pragma once

#include <cuda.h>
#include <driver_types.h>

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "driver_api.h"

namespace cudasim::rt {

class FunctionRegistry {
 public:
  // Binding a symbol again to the same kernel is a no-op; to another kernel
  // it is cudaErrorInvalidValue.
  cudaError_t add(const void* symbol, const char* module, const char* name);

  // cudaErrorInvalidDeviceFunction for a symbol that was never registered.
  cudaError_t function(const DriverApi& api, CUcontext context, const void* symbol,
                       CUfunction* out);

  // The context is gone (device reset): its modules and functions with it.
  void forget(CUcontext context);

 private:
  struct Kernel {
    std::string module;
    std::string name;
  };

  std::mutex mutex_;
  std::unordered_map<const void*, Kernel> kernels_;
  std::map<std::pair<CUcontext, std::string>, CUmodule> modules_;
  std::map<std::pair<CUcontext, const void*>, CUfunction> functions_;
};

// The process's registry (registrations happen before any device exists).
FunctionRegistry& function_registry();

}  // namespace cudasim::rt
