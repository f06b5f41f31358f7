// Where the hooks hand calls to the residency runtime. For now the seam
// forwards every call unchanged and ignores operand descriptions; wiring
// runtime/ in means giving these members bodies, not touching the hooks.
#pragma once

#include "cuda_api.h"
#include "hook_id.h"
#include "operands.h"

namespace gpuswap::interpose {

class RuntimeSeam {
 public:
  // A driver call: make what it touches resident, then issue it.
  template <HookId id, typename Real, typename... Args>
  CUresult driver_call(Real real, Args... args) {
    return real(args...);
  }

  // A cuDNN/cuBLAS call about to be issued, with what it touches.
  void library_call(HookId, const Operands&) {}
};

// The seam, or nullptr when calls must pass through untouched (pass-through
// mode, exit under way, forked child, driver not initialised yet).
RuntimeSeam* active_seam() noexcept;

}  // namespace gpuswap::interpose
