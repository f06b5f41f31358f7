#include "launch.h"

#include <cstring>

namespace cudasim {

CUresult ParamBlock::build(const KernelInfo& k, void** kernelParams, void** extra,
                           std::unique_ptr<ParamBlock>* out) {
  if ((kernelParams != nullptr) == (extra != nullptr) && !k.sizes.empty())
    return CUDA_ERROR_INVALID_VALUE;
  if (kernelParams != nullptr && extra != nullptr) return CUDA_ERROR_INVALID_VALUE;
  auto block = std::make_unique<ParamBlock>();
  const std::size_t n = k.sizes.size();
  block->storage_.resize((k.param_bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t) +
                         1);
  char* base = reinterpret_cast<char*>(block->storage_.data());
  if (extra != nullptr) {
    const void* buffer = nullptr;
    const std::size_t* size = nullptr;
    for (std::size_t i = 0; extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
      if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER) {
        buffer = extra[i + 1];
      } else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE) {
        size = static_cast<const std::size_t*>(extra[i + 1]);
      } else {
        return CUDA_ERROR_INVALID_VALUE;
      }
      if (i > 64) return CUDA_ERROR_INVALID_VALUE;
    }
    if (n > 0) {
      if (buffer == nullptr || size == nullptr || *size < k.param_bytes)
        return CUDA_ERROR_INVALID_VALUE;
      std::memcpy(base, buffer, k.param_bytes);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if (kernelParams[i] == nullptr) return CUDA_ERROR_INVALID_VALUE;
      std::memcpy(base + k.offsets[i], kernelParams[i], k.sizes[i]);
    }
  }
  block->args_.resize(n + 1, nullptr);
  for (std::size_t i = 0; i < n; ++i) block->args_[i] = base + k.offsets[i];
  *out = std::move(block);
  return CUDA_SUCCESS;
}

Op make_kernel_op(const KernelInfo& k, const cudasimLaunch& dims,
                  std::shared_ptr<ParamBlock> params) {
  Op op;
  op.label = k.name;
  op.work = [fn = k.fn, dims, params = std::move(params)] { fn(&dims, params->args()); };
  return op;
}

CUresult check_launch_dims(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                           unsigned bz, unsigned shared_bytes) {
  if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (gx > 2147483647u || gy > 65535 || gz > 65535) return CUDA_ERROR_INVALID_VALUE;
  if (bx > 1024 || by > 1024 || bz > 64) return CUDA_ERROR_INVALID_VALUE;
  if (static_cast<unsigned long long>(bx) * by * bz > 1024) return CUDA_ERROR_INVALID_VALUE;
  if (shared_bytes > 232448) return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

}  // namespace cudasim
