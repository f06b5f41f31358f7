#include "module_registry.h"

#include "cuda_api.h"

namespace cudasim {

namespace {
constexpr std::uint64_t kImageMagic = 0x6567616d696d6973ull;  // "simimage"
}

ModuleRegistry& ModuleRegistry::instance() {
  // Never destroyed: kernels may be launched while the process exits.
  static ModuleRegistry* registry = new ModuleRegistry;
  return *registry;
}

int ModuleRegistry::register_kernel(const char* module, const char* name, cudasimKernelFn fn,
                                    unsigned nparams, const std::size_t* offsets,
                                    const std::size_t* sizes) {
  if (module == nullptr || name == nullptr || *name == '\0' || fn == nullptr)
    return CUDA_ERROR_INVALID_VALUE;
  if (nparams > 0 && (offsets == nullptr || sizes == nullptr)) return CUDA_ERROR_INVALID_VALUE;
  auto info = std::make_unique<KernelInfo>();
  info->module = module;
  info->name = name;
  info->fn = fn;
  for (unsigned i = 0; i < nparams; ++i) {
    if (sizes[i] == 0) return CUDA_ERROR_INVALID_VALUE;
    info->offsets.push_back(offsets[i]);
    info->sizes.push_back(sizes[i]);
    info->param_bytes = std::max(info->param_bytes, offsets[i] + sizes[i]);
  }
  std::lock_guard lock(mu_);
  auto key = std::make_pair(info->module, info->name);
  auto it = kernels_.find(key);
  if (it != kernels_.end()) {
    const KernelInfo& old = *it->second;
    const bool same = old.fn == fn && old.offsets == info->offsets && old.sizes == info->sizes;
    return same ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  }
  kernels_.emplace(std::move(key), std::move(info));
  return CUDA_SUCCESS;
}

const void* ModuleRegistry::image(const char* module) {
  const std::string name = module != nullptr ? module : "";
  std::lock_guard lock(mu_);
  auto& img = images_[name];
  if (!img) img.reset(new Image{kImageMagic, name});
  return img.get();
}

bool ModuleRegistry::image_module(const void* image, std::string* module) const {
  std::lock_guard lock(mu_);
  // Compare addresses only: an arbitrary pointer (a real cubin, garbage) must
  // never be dereferenced.
  for (const auto& [name, img] : images_) {
    if (img.get() == image) {
      *module = img->module;
      return true;
    }
  }
  return false;
}

const KernelInfo* ModuleRegistry::find(const std::string& module, const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = kernels_.find({module, name});
  return it == kernels_.end() ? nullptr : it->second.get();
}

std::vector<const KernelInfo*> ModuleRegistry::kernels_of(const std::string& module) const {
  std::lock_guard lock(mu_);
  std::vector<const KernelInfo*> out;
  for (const auto& [key, info] : kernels_) {
    if (key.first == module) out.push_back(info.get());
  }
  return out;
}

}  // namespace cudasim
