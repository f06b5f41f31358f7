// The body of every cuDNN and cuBLAS hook: describe the call's operands for
// the runtime seam, then call the next definition (the real library, found
// lazily: the program may load it long after its first driver call).
#pragma once

#include "cuda_api.h"
#include "hook_id.h"
#include "library_operands.h"
#include "real_functions.h"
#include "runtime_seam.h"

namespace gpuswap::interpose {

template <typename Status>
struct LibraryStatus;

template <>
struct LibraryStatus<cudnnStatus_t> {
  static constexpr cudnnStatus_t kMissing = CUDNN_STATUS_NOT_INITIALIZED;
  static constexpr cudnnStatus_t kFailed = CUDNN_STATUS_INTERNAL_ERROR;
};

template <>
struct LibraryStatus<cublasStatus_t> {
  static constexpr cublasStatus_t kMissing = CUBLAS_STATUS_NOT_INITIALIZED;
  static constexpr cublasStatus_t kFailed = CUBLAS_STATUS_INTERNAL_ERROR;
};

template <HookId id, typename Fn>
struct LibraryHook;

template <HookId id, typename Status, typename... Args>
struct LibraryHook<id, Status(Args...)> {
  static Status call(Args... args) noexcept {
    const auto real = reinterpret_cast<Status (*)(Args...)>(real::function(id));
    if (real == nullptr) return LibraryStatus<Status>::kMissing;
    if (RuntimeSeam* seam = active_seam()) {
      try {
        seam->library_call(id, describe_operands<id>(args...));
      } catch (...) {
        return LibraryStatus<Status>::kFailed;
      }
    }
    return real(args...);
  }
};

}  // namespace gpuswap::interpose
