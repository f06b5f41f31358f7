// Pinned host <-> device copy bandwidth on a real GPU: the ceiling for
// gpuswap's evictions (device to host) and restores (host to device), which
// tests/gpu/run.sh compares with what the swap trace says they achieved. The
// counterpart of bench_copy, which measures cudasim's emulated link.
//
// For each copy size, a train of copies totalling 1 GiB (at least 4) is
// issued on one stream and timed from the first issue to the stream's end;
// the best of 5 trains is reported, in GB/s (10^9 bytes per second).
#include <cuda.h>

#include <chrono>
#include <cstddef>
#include <cstdio>

#include "driver_check.h"
#include "primary_context.h"

namespace {

constexpr std::size_t kSizesMiB[] = {2, 16, 64, 256};
constexpr int kTrains = 5;

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_copy_gpu", status, what);
}

// Best GB/s of kTrains trains of `count` copies of `bytes` each.
double best_rate(CUstream stream, bool to_host, void* host, CUdeviceptr device, std::size_t bytes,
                 int count) {
  double best = 0.0;
  for (int train = 0; train < kTrains; ++train) {
    if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 0.0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
      const CUresult result = to_host ? cuMemcpyDtoHAsync(host, device, bytes, stream)
                                      : cuMemcpyHtoDAsync(device, host, bytes, stream);
      if (!ok(result, "copy")) return 0.0;
    }
    if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 0.0;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double rate = static_cast<double>(bytes) * count / seconds / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

}  // namespace

int main() {
  CUstream stream = nullptr;
  if (!gpuswap::bench::start_primary_context("bench_copy_gpu") ||
      !ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return 1;
  }
  for (const std::size_t mib : kSizesMiB) {
    const std::size_t bytes = mib << 20;
    void* host = nullptr;
    CUdeviceptr device = 0;
    if (!ok(cuMemHostAlloc(&host, bytes, 0), "cuMemHostAlloc") ||
        !ok(cuMemAlloc(&device, bytes), "cuMemAlloc") ||
        !ok(cuMemsetD8(device, 0x5a, bytes), "cuMemsetD8")) {
      return 1;
    }
    const int count = mib >= 256 ? 4 : static_cast<int>(1024 / mib);
    const double to_host = best_rate(stream, true, host, device, bytes, count);
    const double to_device = best_rate(stream, false, host, device, bytes, count);
    if (to_host == 0.0 || to_device == 0.0) return 1;
    std::printf("link (pinned, %3zu MiB copies): device->host %.1f GB/s, host->device %.1f GB/s\n",
                mib, to_host, to_device);
    (void)cuMemFreeHost(host);
    (void)cuMemFree(device);
  }
  return 0;
}
