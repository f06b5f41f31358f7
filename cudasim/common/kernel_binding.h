// Binds a plain C++ function to cudasim's kernel interface, so that cudasim's
// cuBLAS and cuDNN write their kernels as ordinary functions of typed
// parameters and the parameter layout registered with the driver can never
// disagree with what the function reads.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "cudasim/kernel.h"
#include "driver_api.h"

namespace cudasim {

template <auto F>
struct KernelBinding;

// Every parameter is passed by value: pointers, scalars and POD structs, the
// kinds of values a CUDA kernel receives (and an interposer decodes).
template <typename... Args, void (*F)(Args...)>
struct KernelBinding<F> {
  static_assert((std::is_trivially_copyable_v<Args> && ...),
                "kernel parameters are copied bytewise at enqueue");
  using Layout = ParamLayout<Args...>;

  static void entry(const cudasimLaunch* /*launch*/, void** args) {
    call(args, std::index_sequence_for<Args...>{});
  }

  static int register_with(const DriverApi& api, const char* module, const char* name) {
    return api.registerKernel(module, name, &entry, static_cast<unsigned>(Layout::count),
                              Layout::offsets.data(), Layout::sizes.data());
  }

 private:
  template <std::size_t... I>
  static void call(void** args, std::index_sequence<I...>) {
    F(*static_cast<Args*>(args[I])...);
  }
};

// Enqueues `fn` on `stream` as a one-block launch (the host function walks the
// whole problem itself); the arguments are copied by the driver at enqueue.
template <typename... Args>
CUresult launch_kernel(const DriverApi& api, CUfunction fn, CUstream stream, Args... args) {
  void* params[] = {static_cast<void*>(&args)...};
  return api.cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, stream, params, nullptr);
}

}  // namespace cudasim
