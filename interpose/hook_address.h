// The address callers must receive for a hooked symbol: what dlsym on the
// shim returns for its exported name.
#pragma once

#include "hook_id.h"

namespace gpuswap::interpose {

void* hook_address(HookId id) noexcept;

}  // namespace gpuswap::interpose
