// Replacing the driver's function pointers with the shim's hooks, wherever
// a program obtains them: cuGetProcAddress and dlsym.
#pragma once

#include <optional>
#include <string_view>

#include "hook_id.h"

namespace gpuswap::interpose {

// The driver hook exported under exactly this name.
std::optional<HookId> driver_hook_named(std::string_view name) noexcept;

// What a cuGetProcAddress caller receives for the pointer the driver
// answered with: the hook of the versioned function that pointer is (the
// driver alone knows which of cuMemAlloc / _v2, _ptds / _ptsz a request maps
// to, so the pointer decides, not the requested name). Unhooked functions
// keep the driver's pointer; a request for cuGetProcAddress itself always
// gets the hook. In pass-through mode every pointer stays the driver's.
void* route_proc_address(const char* symbol, int cuda_version, void* driver_fn) noexcept;

// What a dlsym caller receives: the hook when `found` is the driver's own
// definition of a hooked cu[A-Z]* name, `found` otherwise.
void* route_dlsym(const char* name, void* found) noexcept;

}  // namespace gpuswap::interpose
