// Where the hooks hand calls to the residency runtime. The runtime is created
// on first use, once a context is current (runtime_seam.cpp); until then, and
// in pass-through mode, calls go straight to the real functions.
#pragma once

#include <atomic>

#include "cuda_api.h"  // first: neutralises cuda.h's cuGetProcAddress macro
#include "driver_calls.h"
#include "gpuswap/runtime/runtime.h"
#include "hook_id.h"
#include "operands.h"
#include "process_state.h"

namespace gpuswap::interpose {

// The outcome of preparing a library call: its operands stay pinned while
// `guard` lives, so the hook keeps it across the real call.
struct LibraryPreparation {
  CUresult result = CUDA_SUCCESS;
  runtime::PinGuard guard;
};

class RuntimeSeam {
 public:
  // A cuDNN/cuBLAS call about to be issued on `stream`, with what it touches.
  LibraryPreparation library_call(HookId id, const Operands& operands, CUstream stream) noexcept;

  // The process's runtime, created on first use; null while no context is
  // current, or for good when it could not be created (logged once).
  runtime::Runtime* runtime() noexcept;
};

namespace detail {
// The process's runtime once created (runtime_seam.cpp); never destroyed.
extern constinit std::atomic<runtime::Runtime*> g_runtime;
}  // namespace detail

// The runtime a driver hook hands its call to with nothing else to check, or
// nullptr: then the hook asks active_seam(), which decides the mode and
// creates the runtime. A runtime exists only in active mode, after the
// process handlers were registered and the driver's table was loaded; once
// exit begins or in a forked child the hook passes through as before. Two
// loads, inline: every kernel launch comes this way.
inline runtime::Runtime* running_runtime() noexcept {
  runtime::Runtime* rt = detail::g_runtime.load(std::memory_order_acquire);
  if (rt == nullptr || registered_process_state().ended()) return nullptr;
  return rt;
}

// The seam, or nullptr when calls must pass through untouched (pass-through
// mode, exit under way, forked child, driver not initialised yet).
RuntimeSeam* active_seam() noexcept;

}  // namespace gpuswap::interpose
