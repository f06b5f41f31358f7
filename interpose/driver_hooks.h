// The body of every driver hook. One template serves each C signature; the
// hook of symbol `id` finds the next definition in the real-function table
// and hands the call to the runtime seam, or straight to the driver when the
// shim passes through.
#pragma once

#include "cuda_api.h"
#include "driver_calls.h"
#include "hook_id.h"
#include "proc_address_routing.h"
#include "real_functions.h"
#include "runtime_seam.h"

namespace gpuswap::interpose {

template <HookId id, typename Fn>
struct DriverHook;

template <HookId id, typename... Args>
struct DriverHook<id, CUresult(Args...)> {
  using Real = CUresult (*)(Args...);
  // loaded_driver_function() below holds for the driver's table only.
  static_assert(info(id).library == Library::driver, "a driver hook for another library");

  static CUresult call(Args... args) noexcept {
    if constexpr (unrecorded_at_entry<id>()) {
      // A launch that goes unrecorded (Runtime::begin_unrecorded_launch)
      // does all its work here, and every other call goes on to dispatch
      // with the same arguments: a jump, so this frame stays small.
      CUstream stream = nullptr;
      runtime::Runtime* rt = running_runtime();
      if (rt != nullptr && entry_launch_stream<id>(&stream, args...)) {
        if (runtime::ThreadSlots::Slot* slot = rt->begin_unrecorded_launch(stream)) {
          const auto real = reinterpret_cast<Real>(real::loaded_driver_function(id));
          const CUresult result = real != nullptr ? real(args...) : CUDA_ERROR_NOT_FOUND;
          slot->end_launch();
          return result;
        }
      }
      return dispatch_out_of_line(args...);
    } else {
      return dispatch(args...);
    }
  }

 private:
  [[gnu::always_inline]] static CUresult dispatch(Args... args) noexcept {
    // The steady state first: a running runtime, whose existence says the
    // driver's table is loaded, so no call is made before the runtime's own.
    runtime::Runtime* rt = running_runtime();
    Real real = nullptr;
    if (rt != nullptr) {
      real = reinterpret_cast<Real>(real::loaded_driver_function(id));
    } else {
      real = reinterpret_cast<Real>(real::function(id));
      RuntimeSeam* seam = real != nullptr ? active_seam() : nullptr;
      rt = seam != nullptr ? seam->runtime() : nullptr;
    }
    if (real == nullptr) return CUDA_ERROR_NOT_FOUND;
    if (rt == nullptr) return real(args...);
    try {
      return driver_call_with<id>(*rt, real, args...);
    } catch (...) {
      return CUDA_ERROR_UNKNOWN;
    }
  }
  [[gnu::noinline]] static CUresult dispatch_out_of_line(Args... args) noexcept {
    return dispatch(args...);
  }
};

// cuGetProcAddress: ask the driver, then swap its answer for the hook.
template <HookId id, typename... Rest>
CUresult get_proc_address(const char* symbol, void** pfn, int version, Rest... rest) noexcept {
  const auto real =
      reinterpret_cast<CUresult (*)(const char*, void**, int, Rest...)>(real::function(id));
  if (real == nullptr) return CUDA_ERROR_NOT_FOUND;
  const CUresult result = real(symbol, pfn, version, rest...);
  if (result == CUDA_SUCCESS && pfn != nullptr) *pfn = route_proc_address(symbol, version, *pfn);
  return result;
}

template <>
struct DriverHook<HookId::cuGetProcAddress, decltype(abi::cuGetProcAddress_v1)> {
  static CUresult call(const char* symbol, void** pfn, int version, cuuint64_t flags) noexcept {
    return get_proc_address<HookId::cuGetProcAddress>(symbol, pfn, version, flags);
  }
};

template <>
struct DriverHook<HookId::cuGetProcAddress_v2, decltype(::cuGetProcAddress_v2)> {
  static CUresult call(const char* symbol, void** pfn, int version, cuuint64_t flags,
                       CUdriverProcAddressQueryResult* status) noexcept {
    return get_proc_address<HookId::cuGetProcAddress_v2>(symbol, pfn, version, flags, status);
  }
};

}  // namespace gpuswap::interpose
