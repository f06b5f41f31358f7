#include "param_init.h"

#include <cuda_runtime_api.h>

#include <vector>

#include "cuda_check.h"

namespace train_cnn {

void upload_uniform(float* dst, std::size_t count, float bound, Lcg& rng) {
  std::vector<float> host(count);
  for (float& v : host) v = bound * rng.symmetric();
  check_cuda(cudaMemcpy(dst, host.data(), count * sizeof(float), cudaMemcpyHostToDevice),
             "cudaMemcpy");
}

void upload_constant(float* dst, std::size_t count, float value) {
  const std::vector<float> host(count, value);
  check_cuda(cudaMemcpy(dst, host.data(), count * sizeof(float), cudaMemcpyHostToDevice),
             "cudaMemcpy");
}

}  // namespace train_cnn
