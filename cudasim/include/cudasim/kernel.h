/*
 * cudasim kernels: how a program gives the software CUDA device the host
 * implementation of a kernel.
 *
 * On a real GPU a kernel is device code inside a module image (cubin/fatbin)
 * that the driver loads with cuModuleLoadData and finds with
 * cuModuleGetFunction; the runtime registers each kernel's host stub with
 * __cudaRegisterFunction and launches through the driver. cudasim keeps that
 * shape:
 *
 *   1. cudasimRegisterKernel() (exported by cudasim's libcuda.so.1) adds a
 *      host function, with its parameter layout, under (module, name).
 *   2. cudasimModuleImage(module) is the "image" a program passes to
 *      cuModuleLoadData; cuModuleGetFunction(name) then finds the kernel and
 *      cuFuncGetParamInfo answers from the registered layout.
 *   3. cudasimRegisterFunction() (exported by cudasim's libcudart.so.13) binds
 *      a host symbol to (module, name) so that cudaLaunchKernel(symbol, ...)
 *      and cudaGetFuncBySymbol work; the runtime loads the module through the
 *      driver on first use, as the real runtime does.
 *
 * A kernel runs on its stream's worker thread, once per launch, and walks the
 * whole grid itself. args[i] points at the value of parameter i, exactly like
 * the kernelParams array of cuLaunchKernel (for the `extra` packed form the
 * driver builds this array from the registered offsets).
 *
 * These entry points are looked up by programs and libraries with
 * dlopen/dlsym (their names do not match `cu[A-Z]*`, so an interposer's dlsym
 * forwards them untouched) or linked directly.
 */
#ifndef CUDASIM_KERNEL_H_
#define CUDASIM_KERNEL_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cudasimDim3 {
  unsigned int x, y, z;
} cudasimDim3;

typedef struct cudasimLaunch {
  cudasimDim3 grid;
  cudasimDim3 block;
  unsigned int sharedMemBytes;
} cudasimLaunch;

typedef void (*cudasimKernelFn)(const cudasimLaunch* launch, void** args);

/* Parameter i lives at byte offset paramOffsets[i] of the packed parameter
 * block and is paramSizes[i] bytes long (the layout cuFuncGetParamInfo
 * reports). Registering the same (module, name) twice with the same function
 * is a no-op; with a different function it is CUDA_ERROR_INVALID_VALUE.
 * Returns a CUresult value. */
int cudasimRegisterKernel(const char* module, const char* name, cudasimKernelFn fn,
                          unsigned int nparams, const size_t* paramOffsets,
                          const size_t* paramSizes);

/* The image for cuModuleLoadData/cuModuleLoadDataEx; never NULL. The pointer
 * stays valid for the life of the process. */
const void* cudasimModuleImage(const char* module);

/* Runtime: host symbol -> (module, name). Returns a cudaError_t value. */
int cudasimRegisterFunction(const void* hostSymbol, const char* module, const char* name);

typedef int (*cudasimRegisterKernel_t)(const char*, const char*, cudasimKernelFn, unsigned int,
                                       const size_t*, const size_t*);
typedef const void* (*cudasimModuleImage_t)(const char*);
typedef int (*cudasimRegisterFunction_t)(const void*, const char*, const char*);

#ifdef __cplusplus
} /* extern "C" */

#include <array>
#include <cstddef>

namespace cudasim {

/* The parameter layout of a kernel taking Args..., laid out as nvcc lays out
 * kernel parameters: each at the next offset aligned to its alignment. */
template <typename... Args>
struct ParamLayout {
  static constexpr std::size_t count = sizeof...(Args);
  static constexpr std::array<std::size_t, sizeof...(Args)> sizes{sizeof(Args)...};
  static constexpr std::array<std::size_t, sizeof...(Args)> offsets = [] {
    std::array<std::size_t, sizeof...(Args)> out{};
    constexpr std::array<std::size_t, sizeof...(Args)> aligns{alignof(Args)...};
    std::size_t at = 0;
    for (std::size_t i = 0; i < sizeof...(Args); ++i) {
      at = (at + aligns[i] - 1) / aligns[i] * aligns[i];
      out[i] = at;
      at += sizes[i];
    }
    return out;
  }();
};

/* Reads parameter I of type T out of a kernel's args array. */
template <typename T>
inline T arg(void** args, std::size_t i) {
  return *static_cast<T*>(args[i]);
}

}  // namespace cudasim
#endif

#endif /* CUDASIM_KERNEL_H_ */
