#include "function_registry.h"

#include "error_map.h"

namespace cudasim::rt {

cudaError_t FunctionRegistry::add(const void* symbol, const char* module, const char* name) {
  if (symbol == nullptr || module == nullptr || name == nullptr || *name == '\0') {
    return cudaErrorInvalidValue;
  }
  std::lock_guard lock(mutex_);
  auto [it, inserted] = kernels_.try_emplace(symbol, Kernel{module, name});
  if (inserted) return cudaSuccess;
  return it->second.module == module && it->second.name == name ? cudaSuccess
                                                                : cudaErrorInvalidValue;
}

cudaError_t FunctionRegistry::function(const DriverApi& api, CUcontext context, const void* symbol,
                                       CUfunction* out) {
  std::lock_guard lock(mutex_);
  if (auto cached = functions_.find({context, symbol}); cached != functions_.end()) {
    *out = cached->second;
    return cudaSuccess;
  }
  auto kernel = kernels_.find(symbol);
  if (kernel == kernels_.end()) return cudaErrorInvalidDeviceFunction;
  auto [module, inserted] = modules_.try_emplace({context, kernel->second.module}, nullptr);
  if (inserted) {
    const CUresult r =
        api.cuModuleLoadData(&module->second, api.moduleImage(kernel->second.module.c_str()));
    if (r != CUDA_SUCCESS) {
      modules_.erase(module);
      return to_cuda_error(r);
    }
  }
  CUfunction function = nullptr;
  const CUresult r =
      api.cuModuleGetFunction(&function, module->second, kernel->second.name.c_str());
  // A name the module lacks is a symbol the device cannot run.
  if (r == CUDA_ERROR_NOT_FOUND) return cudaErrorInvalidDeviceFunction;
  if (r != CUDA_SUCCESS) return to_cuda_error(r);
  functions_.emplace(std::make_pair(context, symbol), function);
  *out = function;
  return cudaSuccess;
}

void FunctionRegistry::forget(CUcontext context) {
  std::lock_guard lock(mutex_);
  std::erase_if(modules_, [&](const auto& entry) { return entry.first.first == context; });
  std::erase_if(functions_, [&](const auto& entry) { return entry.first.first == context; });
}

FunctionRegistry& function_registry() {
  static FunctionRegistry* const instance = new FunctionRegistry();  // outlives static destructors
  return *instance;
}

}  // namespace cudasim::rt
