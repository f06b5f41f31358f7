// Where the hooks hand calls to the residency runtime. The runtime is created
// on first use, once a context is current (runtime_seam.cpp); until then, and
// in pass-through mode, calls go straight to the real functions.
#pragma once

#include "cuda_api.h"  // first: neutralises cuda.h's cuGetProcAddress macro
#include "driver_calls.h"
#include "gpuswap/runtime/runtime.h"
#include "hook_id.h"
#include "operands.h"

namespace gpuswap::interpose {

// The outcome of preparing a library call: its operands stay pinned while
// `guard` lives, so the hook keeps it across the real call.
struct LibraryPreparation {
  CUresult result = CUDA_SUCCESS;
  runtime::PinGuard guard;
};

class RuntimeSeam {
 public:
  // A driver call: make what it touches resident, then issue it.
  template <HookId id, typename Real, typename... Args>
  CUresult driver_call(Real real, Args... args) {
    runtime::Runtime* rt = runtime();
    if (rt == nullptr) return real(args...);
    return driver_call_with<id>(*rt, real, args...);
  }

  // A cuDNN/cuBLAS call about to be issued on `stream`, with what it touches.
  LibraryPreparation library_call(HookId id, const Operands& operands, CUstream stream) noexcept;

  // The process's runtime, created on first use; null while no context is
  // current, or for good when it could not be created (logged once).
  runtime::Runtime* runtime() noexcept;
};

// The seam, or nullptr when calls must pass through untouched (pass-through
// mode, exit under way, forked child, driver not initialised yet).
RuntimeSeam* active_seam() noexcept;

}  // namespace gpuswap::interpose
