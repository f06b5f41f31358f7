#include "gemm_kernels.h"

#include "kernel_binding.h"
#include "library_context.h"

namespace cudasim::blas {
namespace {

constexpr const char* kModule = "cudasim.cublas";

GemmScalars resolve(GemmScalars s, const float* alpha_dev, const float* beta_dev) {
  if (alpha_dev != nullptr) s.alpha = *alpha_dev;
  if (beta_dev != nullptr) s.beta = *beta_dev;
  return s;
}

void gemm_kernel(GemmShape shape, GemmScalars scalars, const float* alpha_dev,
                 const float* beta_dev, const float* a, const float* b, float* c) {
  const GemmScalars s = resolve(scalars, alpha_dev, beta_dev);
  gemm(shape, s.alpha, a, b, s.beta, c);
}

void strided_kernel(GemmShape shape, GemmScalars scalars, const float* alpha_dev,
                    const float* beta_dev, const float* a, long long stride_a, const float* b,
                    long long stride_b, float* c, long long stride_c, int batch) {
  const GemmScalars s = resolve(scalars, alpha_dev, beta_dev);
  for (int i = 0; i < batch; ++i) {
    gemm(shape, s.alpha, a + i * stride_a, b + i * stride_b, s.beta, c + i * stride_c);
  }
}

// The pointer arrays live in device memory: they are read here, on the
// stream, never by the calling thread.
void pointer_array_kernel(GemmShape shape, GemmScalars scalars, const float* alpha_dev,
                          const float* beta_dev, const float* const* a, const float* const* b,
                          float* const* c, int batch) {
  const GemmScalars s = resolve(scalars, alpha_dev, beta_dev);
  for (int i = 0; i < batch; ++i) gemm(shape, s.alpha, a[i], b[i], s.beta, c[i]);
}

bool register_kernels(const DriverApi& api) {
  return KernelBinding<&gemm_kernel>::register_with(api, kModule, "sgemm") == CUDA_SUCCESS &&
         KernelBinding<&strided_kernel>::register_with(api, kModule, "sgemm_strided_batched") ==
             CUDA_SUCCESS &&
         KernelBinding<&pointer_array_kernel>::register_with(api, kModule, "sgemm_batched") ==
             CUDA_SUCCESS;
}

bool load(const DriverApi& api, GemmKernels* out) {
  CUmodule module = nullptr;
  if (api.cuModuleLoadData(&module, api.moduleImage(kModule)) != CUDA_SUCCESS) return false;
  return api.cuModuleGetFunction(&out->gemm, module, "sgemm") == CUDA_SUCCESS &&
         api.cuModuleGetFunction(&out->strided, module, "sgemm_strided_batched") == CUDA_SUCCESS &&
         api.cuModuleGetFunction(&out->pointer_array, module, "sgemm_batched") == CUDA_SUCCESS;
}

}  // namespace

const GemmKernels* gemm_kernels(const DriverApi& api, CUcontext ctx) {
  static const bool registered = register_kernels(api);
  if (!registered) return nullptr;
  return kernels_in_context<GemmKernels>(api, ctx, load);
}

}  // namespace cudasim::blas
