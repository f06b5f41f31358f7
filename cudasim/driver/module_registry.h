// Kernels registered with cudasimRegisterKernel, and the module "images"
// (cudasimModuleImage) that cuModuleLoadData accepts in place of a cubin.
// Registration may happen before cuInit (from static initialisers), so this
// lives apart from the driver state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cudasim/kernel.h"

namespace cudasim {

struct KernelInfo {
  std::string module;
  std::string name;
  cudasimKernelFn fn = nullptr;
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> sizes;
  std::size_t param_bytes = 0;  // end of the last parameter
};

class ModuleRegistry {
 public:
  static ModuleRegistry& instance();

  // Returns a CUresult value (see kernel.h).
  int register_kernel(const char* module, const char* name, cudasimKernelFn fn, unsigned nparams,
                      const std::size_t* offsets, const std::size_t* sizes);
  const void* image(const char* module);
  // The module name behind an image pointer; false for anything else.
  bool image_module(const void* image, std::string* module) const;
  // Stable for the life of the process; nullptr when not registered.
  const KernelInfo* find(const std::string& module, const std::string& name) const;
  std::vector<const KernelInfo*> kernels_of(const std::string& module) const;

 private:
  struct Image {
    std::uint64_t magic;
    std::string module;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<KernelInfo>> kernels_;
  std::map<std::string, std::unique_ptr<Image>> images_;
};

}  // namespace cudasim
