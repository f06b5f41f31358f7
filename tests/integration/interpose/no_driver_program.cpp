// Built against the machine's real CUDA runtime: with no driver installed it
// must see the runtime's own error, shim or no shim.
#include <cuda_runtime_api.h>

#include <cstdio>

int main() {
  int count = -1;
  const cudaError_t status = cudaGetDeviceCount(&count);
  std::printf("cudaGetDeviceCount: %d (%s) count=%d\n", static_cast<int>(status),
              cudaGetErrorName(status), count);
  return status == cudaSuccess ? 0 : 1;
}
