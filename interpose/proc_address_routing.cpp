#include "proc_address_routing.h"

#include <cstring>

#include "hook_address.h"
#include "libc_entry_points.h"
#include "pass_through_mode.h"
#include "real_functions.h"

namespace gpuswap::interpose {
namespace {

// Driver API names: "cu" and a capital (cuMemAlloc, not cudnnCreate).
GPUSWAP_UNINSTRUMENTED bool driver_api_name(const char* name) {
  return name[0] == 'c' && name[1] == 'u' && name[2] >= 'A' && name[2] <= 'Z';
}

}  // namespace

std::optional<HookId> driver_hook_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kHookCount; ++i) {
    if (kHooks[i].library == Library::driver && kHooks[i].name == name) {
      return static_cast<HookId>(i);
    }
  }
  return std::nullopt;
}

void* route_proc_address(const char* symbol, int cuda_version, void* driver_fn) noexcept {
  if (driver_fn == nullptr || current_mode() == Mode::pass_through) return driver_fn;
  if (const std::optional<HookId> id = real::driver_hook_of(driver_fn)) return hook_address(*id);
  if (symbol != nullptr && std::strcmp(symbol, "cuGetProcAddress") == 0) {
    return hook_address(cuda_version >= info(HookId::cuGetProcAddress_v2).version
                            ? HookId::cuGetProcAddress_v2
                            : HookId::cuGetProcAddress);
  }
  return driver_fn;
}

// Uninstrumented up to the name check: sanitizer runtimes look their
// (non-driver) names up here before they are initialised.
GPUSWAP_UNINSTRUMENTED void* route_dlsym(const char* name, void* found) noexcept {
  if (found == nullptr || name == nullptr || !driver_api_name(name) ||
      real::loading_on_this_thread()) {
    return found;
  }
  const std::optional<HookId> id = driver_hook_named(name);
  if (!id || real::function(*id) != found || current_mode() == Mode::pass_through) return found;
  return hook_address(*id);
}

}  // namespace gpuswap::interpose
