// What CUfunction and CUkernel handles point to. As in CUDA they are distinct
// objects: a CUkernel (cuLibraryGetKernel) belongs to no context, each context
// has a CUfunction of its own for it (cuKernelGetFunction), and a module's
// functions (cuModuleGetFunction) are CUfunctions. Keeping them apart lets a
// program that hands one to a call taking only the other fail here as it
// fails on a GPU (cuFuncGetParamInfo on a CUkernel is
// CUDA_ERROR_INVALID_HANDLE on NVIDIA's driver 580).
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "module_registry.h"

namespace cudasim {

class Context;
struct Module;

enum class FunctionKind { kFunction, kKernel };

// The kinds of handle an entry point takes.
enum class Accept { kFunction, kKernel, kEither };

constexpr bool accepts(Accept accept, FunctionKind kind) {
  return accept == Accept::kEither ||
         (accept == Accept::kFunction) == (kind == FunctionKind::kFunction);
}

struct Function {
  Function(const KernelInfo* k, Module* m, FunctionKind fk) : kernel(k), module(m), kind(fk) {}
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;

  const KernelInfo* const kernel;
  Module* const module;  // for a kernel's per-context function, the kernel's library
  const FunctionKind kind;

 private:
  friend class Driver;
  // A kernel's CUfunction in each context that asked for one; the same
  // handle every time, as in CUDA.
  std::mutex mu_;
  std::unordered_map<const Context*, std::unique_ptr<Function>> per_context_;
};

}  // namespace cudasim
