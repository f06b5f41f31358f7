#include "function_registry.h"

#include "error_map.h"

namespace cudasim::rt {

cudaError_t FunctionRegistry::add(const void* symbol, const char* module, const char* name) {
  if (symbol == nullptr || module == nullptr || name == nullptr || *name == '\0') {
    return cudaErrorInvalidValue;
  }
  std::lock_guard lock(mutex_);
  auto [it, inserted] = bindings_.try_emplace(symbol, Binding{module, name});
  if (inserted) return cudaSuccess;
  return it->second.module == module && it->second.name == name ? cudaSuccess
                                                                : cudaErrorInvalidValue;
}

cudaError_t FunctionRegistry::kernel(const DriverApi& api, const void* symbol, CUkernel* out) {
  std::lock_guard lock(mutex_);
  if (auto cached = kernels_.find(symbol); cached != kernels_.end()) {
    *out = cached->second;
    return cudaSuccess;
  }
  auto binding = bindings_.find(symbol);
  if (binding == bindings_.end()) return cudaErrorInvalidDeviceFunction;
  auto [library, inserted] = libraries_.try_emplace(binding->second.module, nullptr);
  if (inserted) {
    const CUresult r =
        api.cuLibraryLoadData(&library->second, api.moduleImage(binding->second.module.c_str()),
                              nullptr, nullptr, 0, nullptr, nullptr, 0);
    if (r != CUDA_SUCCESS) {
      libraries_.erase(library);
      return to_cuda_error(r);
    }
  }
  CUkernel kernel = nullptr;
  const CUresult r = api.cuLibraryGetKernel(&kernel, library->second, binding->second.name.c_str());
  // A name the library lacks is a symbol the device cannot run.
  if (r == CUDA_ERROR_NOT_FOUND) return cudaErrorInvalidDeviceFunction;
  if (r != CUDA_SUCCESS) return to_cuda_error(r);
  kernels_.emplace(symbol, kernel);
  *out = kernel;
  return cudaSuccess;
}

FunctionRegistry& function_registry() {
  static FunctionRegistry* const instance = new FunctionRegistry();  // outlives static destructors
  return *instance;
}

}  // namespace cudasim::rt
