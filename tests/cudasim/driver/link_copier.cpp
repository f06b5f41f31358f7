// Helper process for the shared-link test: waits until a CLOCK_MONOTONIC
// start time, uploads N bytes from pinned memory to the device, and prints
// when it finished (nanoseconds).
#include <cuda.h>
#include <time.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace {

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int fail(const char* what, CUresult rc) {
  std::fprintf(stderr, "link_copier: %s failed (%d)\n", what, static_cast<int>(rc));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s BYTES START_NS\n", argv[0]);
    return 2;
  }
  const std::size_t bytes = std::strtoull(argv[1], nullptr, 10);
  const std::int64_t start = std::strtoll(argv[2], nullptr, 10);
  CUresult rc = cuInit(0);
  if (rc != CUDA_SUCCESS) return fail("cuInit", rc);
  CUcontext ctx = nullptr;
  if ((rc = cuCtxCreate(&ctx, nullptr, 0, 0)) != CUDA_SUCCESS) return fail("cuCtxCreate", rc);
  CUdeviceptr d = 0;
  void* h = nullptr;
  if ((rc = cuMemAlloc(&d, bytes)) != CUDA_SUCCESS) return fail("cuMemAlloc", rc);
  if ((rc = cuMemAllocHost(&h, bytes)) != CUDA_SUCCESS) return fail("cuMemAllocHost", rc);
  timespec ts{static_cast<time_t>(start / 1000000000), static_cast<long>(start % 1000000000)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  if ((rc = cuMemcpyHtoD(d, h, bytes)) != CUDA_SUCCESS) return fail("cuMemcpyHtoD", rc);
  std::printf("%" PRId64 "\n", now_ns());
  return 0;
}
