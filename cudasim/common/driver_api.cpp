#include "driver_api.h"

#include <dlfcn.h>

#include <mutex>

namespace cudasim {
namespace {

struct Loaded {
  DriverApi api;
  bool ok = false;
  const char* why = "not loaded";
};

Loaded load() {
  Loaded out;
  void* handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    out.why = "libcuda.so.1 could not be loaded";
    return out;
  }
  auto get_proc = reinterpret_cast<decltype(&::cuGetProcAddress_v2)>(
      dlsym(handle, "cuGetProcAddress_v2"));
  if (get_proc == nullptr) {
    out.why = "libcuda.so.1 has no cuGetProcAddress_v2";
    return out;
  }
  constexpr int kCudaVersion = 13000;
#define CUDASIM_DRIVER_API_LOAD(member, symbol)                                         \
  {                                                                                     \
    void* fn = nullptr;                                                                 \
    CUdriverProcAddressQueryResult status{};                                            \
    if (get_proc(symbol, &fn, kCudaVersion, CU_GET_PROC_ADDRESS_DEFAULT, &status) !=    \
            CUDA_SUCCESS ||                                                             \
        fn == nullptr) {                                                                \
      out.why = "the driver does not provide " symbol;                                  \
      return out;                                                                       \
    }                                                                                   \
    out.api.member = reinterpret_cast<decltype(out.api.member)>(fn);                    \
  }
  CUDASIM_DRIVER_API(CUDASIM_DRIVER_API_LOAD)
#undef CUDASIM_DRIVER_API_LOAD
  out.api.registerKernel =
      reinterpret_cast<cudasimRegisterKernel_t>(dlsym(handle, "cudasimRegisterKernel"));
  out.api.moduleImage = reinterpret_cast<cudasimModuleImage_t>(dlsym(handle, "cudasimModuleImage"));
  if (out.api.registerKernel == nullptr || out.api.moduleImage == nullptr) {
    out.why = "libcuda.so.1 is not cudasim's driver (no cudasimRegisterKernel)";
    return out;
  }
  out.ok = true;
  out.why = nullptr;
  return out;
}

}  // namespace

const DriverApi* driver_api(const char** why) {
  static const Loaded loaded = load();  // thread-safe, once, on first use
  if (why != nullptr) *why = loaded.why;
  return loaded.ok ? &loaded.api : nullptr;
}

}  // namespace cudasim
