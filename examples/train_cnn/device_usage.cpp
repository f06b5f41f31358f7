#include "device_usage.h"

#include <cuda_runtime_api.h>

#include "cuda_check.h"

namespace train_cnn {

void DeviceUsage::sample() {
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
  check_cuda(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  total_ = total_bytes;
  if (total_bytes >= free_bytes && total_bytes - free_bytes > peak_used_) {
    peak_used_ = total_bytes - free_bytes;
  }
}

}  // namespace train_cnn
