// A driver-API program with one buffer large enough to be a gpuswap region:
// fill it on the device, read it back, check it. Prints "ok" when the
// contents came back intact, with or without the shim.
#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

bool ok(CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) return true;
  std::printf("%s failed: %d\n", what, static_cast<int>(status));
  return false;
}

}  // namespace

int main() {
  constexpr std::size_t kWords = (4u << 20) / sizeof(std::uint32_t);
  constexpr std::uint32_t kPattern = 0x5eed1234u;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUdeviceptr buffer = 0;
  std::vector<std::uint32_t> host(kWords, 0);
  if (!ok(cuInit(0), "cuInit") || !ok(cuDeviceGet(&device, 0), "cuDeviceGet") ||
      !ok(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain") ||
      !ok(cuCtxSetCurrent(context), "cuCtxSetCurrent") ||
      !ok(cuMemAlloc(&buffer, kWords * sizeof(std::uint32_t)), "cuMemAlloc") ||
      !ok(cuMemsetD32(buffer, kPattern, kWords), "cuMemsetD32") ||
      !ok(cuMemcpyDtoH(host.data(), buffer, kWords * sizeof(std::uint32_t)), "cuMemcpyDtoH") ||
      !ok(cuMemFree(buffer), "cuMemFree")) {
    return 1;
  }
  for (std::size_t i = 0; i < kWords; ++i) {
    if (host[i] != kPattern) {
      std::printf("word %zu is %08x\n", i, host[i]);
      return 1;
    }
  }
  std::printf("ok\n");
  return 0;
}
