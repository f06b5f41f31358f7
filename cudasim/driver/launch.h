// A kernel launch's parameters, copied at enqueue time (the caller may reuse
// its storage as soon as cuLaunchKernel returns, as in CUDA), and the args
// array the kernel receives, pointing into that copy.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "cuda_api.h"
#include "module_registry.h"
#include "stream.h"

namespace cudasim {

class ParamBlock {
 public:
  // From kernelParams (one pointer per parameter) or from the `extra` packed
  // buffer (CU_LAUNCH_PARAM_BUFFER_POINTER/SIZE/END), split by the registered
  // offsets. Exactly one of the two must be given.
  static CUresult build(const KernelInfo& k, void** kernelParams, void** extra,
                        std::unique_ptr<ParamBlock>* out);

  ParamBlock() = default;
  // args_ points into storage_: a copy would point into the original.
  ParamBlock(const ParamBlock&) = delete;
  ParamBlock& operator=(const ParamBlock&) = delete;

  void** args() { return args_.data(); }

 private:
  std::vector<std::max_align_t> storage_;
  std::vector<void*> args_;
};

// The stream operation that runs kernel `k` once over the grid with `params`.
Op make_kernel_op(const KernelInfo& k, const cudasimLaunch& dims,
                  std::shared_ptr<ParamBlock> params);

// Grid and block limits of the emulated device.
CUresult check_launch_dims(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                           unsigned bz, unsigned shared_bytes);

}  // namespace cudasim
