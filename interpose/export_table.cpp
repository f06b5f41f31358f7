// The exported hooks, one per line of hooked_symbols.def.
//
// Each symbol is a GNU indirect function whose resolver returns the hook
// template instantiated for that symbol's id and C type: the signature comes
// from the CUDA headers, so no parameter list is written twice, and a symbol
// whose type is wrong does not compile. dlsym on the shim and the routing
// table (hook_address) yield the same address, the instantiation's.

#include "driver_hooks.h"
#include "hook_address.h"
#include "library_hooks.h"

namespace abi = gpuswap::interpose::abi;
using gpuswap::interpose::DriverHook;
using gpuswap::interpose::HookId;
using gpuswap::interpose::LibraryHook;

// Resolvers run while the dynamic linker relocates: they only return a
// constant address, and are not instrumented.
#define GPUSWAP_EXPORT(Hook, name, proto)                                                   \
  extern "C" {                                                                              \
  __attribute__((no_sanitize(                                                               \
      "address", "undefined"))) static decltype(&proto) gpuswap_resolve_##name() noexcept { \
    return &Hook<HookId::name, decltype(proto)>::call;                                      \
  }                                                                                         \
  }                                                                                         \
  extern "C" __attribute__((visibility("default"),                                          \
                            ifunc("gpuswap_resolve_" #name))) decltype(proto) name;

#define GPUSWAP_DRIVER_HOOK(name, proto, base, version, variant) \
  GPUSWAP_EXPORT(DriverHook, name, proto)
#define GPUSWAP_CUDNN_HOOK(name, proto) GPUSWAP_EXPORT(LibraryHook, name, proto)
#define GPUSWAP_CUBLAS_HOOK(name, proto) GPUSWAP_EXPORT(LibraryHook, name, proto)
#include "hooked_symbols.def"

namespace gpuswap::interpose {

void* hook_address(HookId id) noexcept {
  switch (id) {
#define GPUSWAP_HOOK_CASE(Hook, name, proto) \
  case HookId::name:                         \
    return reinterpret_cast<void*>(&Hook<HookId::name, decltype(proto)>::call);
#define GPUSWAP_DRIVER_HOOK(name, proto, base, version, variant) \
  GPUSWAP_HOOK_CASE(DriverHook, name, proto)
#define GPUSWAP_CUDNN_HOOK(name, proto) GPUSWAP_HOOK_CASE(LibraryHook, name, proto)
#define GPUSWAP_CUBLAS_HOOK(name, proto) GPUSWAP_HOOK_CASE(LibraryHook, name, proto)
#include "hooked_symbols.def"
#undef GPUSWAP_HOOK_CASE
  }
  return nullptr;
}

}  // namespace gpuswap::interpose
