// The next definition of every hooked symbol (the real driver's, cuDNN's or
// cuBLAS's), plus the few unhooked entry points the shim itself needs.
//
// The driver table is resolved by name, once (pthread_once), from the handle
// of libcuda.so.1: dlopen with RTLD_NOLOAD first, then a normal dlopen. A
// handle lookup searches only the driver and its dependencies, never the
// preloaded shim, so the table holds the driver's own functions. cuDNN and
// cuBLAS are found the same way, each on first use of one of its hooks: a
// program may load them long after its first driver call.
#pragma once

#include <array>
#include <optional>

#include "cuda_api.h"
#include "hook_id.h"

namespace gpuswap::interpose {

struct DriverExtras {
  decltype(&::cuDriverGetVersion) cuDriverGetVersion = nullptr;
  decltype(&::cuDeviceGetCount) cuDeviceGetCount = nullptr;
  decltype(&::cuDeviceGet) cuDeviceGet = nullptr;
  decltype(&::cuDeviceGetAttribute) cuDeviceGetAttribute = nullptr;
  decltype(&::cuFuncGetParamInfo) cuFuncGetParamInfo = nullptr;
};

struct CudnnExtras {
  decltype(&::cudnnGetStream) cudnnGetStream = nullptr;
  decltype(&::cudnnGetTensorNdDescriptor) cudnnGetTensorNdDescriptor = nullptr;
  decltype(&::cudnnGetFilterNdDescriptor) cudnnGetFilterNdDescriptor = nullptr;
  decltype(&::cudnnBackendGetAttribute) cudnnBackendGetAttribute = nullptr;
};

struct CublasExtras {
  decltype(&::cublasGetStream_v2) cublasGetStream_v2 = nullptr;
  decltype(&::cublasGetPointerMode_v2) cublasGetPointerMode_v2 = nullptr;
};

struct DriverLoad {
  bool loaded = false;
  const char* error = nullptr;  // dlerror() text when not loaded
};

namespace real {

// Loads the driver and its table once; later calls return the same answer.
const DriverLoad& load_driver() noexcept;

// The real function behind a hook, or nullptr when its library lacks it (or
// is absent). Driver entries require load_driver(); library entries load
// their library on first use.
void* function(HookId id) noexcept;

namespace detail {
extern constinit std::array<void*, kHookCount> g_table;
}  // namespace detail

// function(id) without the load check, for a driver hook whose caller knows
// the driver's table is loaded: the residency runtime exists only once it is
// (its creation, published with release, follows load_driver()).
inline void* loaded_driver_function(HookId id) noexcept {
  return detail::g_table[index(id)];
}

// Any function the driver itself exports, by its exact (versioned) name, or
// nullptr; never a hook. The residency runtime's driver table is filled from it.
void* driver_symbol(const char* name) noexcept;

// Which driver hook a pointer the driver handed out belongs to.
std::optional<HookId> driver_hook_of(const void* fn) noexcept;

// True while this thread is inside one of the loads above: a library's
// constructors may call dlsym/dlopen, which must then be forwarded untouched
// (routing them would wait for the very load in progress).
bool loading_on_this_thread() noexcept;

const DriverExtras& driver_extras() noexcept;
const CudnnExtras& cudnn_extras() noexcept;
const CublasExtras& cublas_extras() noexcept;

}  // namespace real
}  // namespace gpuswap::interpose
