// What a kernel launch costs the launching thread on a real GPU, with or
// without libgpuswap.so preloaded (tests/gpu/run.sh runs it both ways): the
// counterpart of bench_launch, which measures the same on cudasim.
//
// As there, the program holds 1,000 live 2 MiB cuMemAlloc buffers (regions
// under gpuswap) and launches a kernel that does nothing with 8 pointers
// rotating over all of them. The kernel comes as PTX, so no CUDA compiler is
// needed to build this. Each batch first queues a kernel that spins for
// longer than the batch takes to issue, so that the GPU is busy and the
// figure is the enqueue path alone (as BM_LaunchEnqueueBusy); the batch's
// 1,000 launches are timed on the host, and the median batch is reported.
// An argument sets the number of buffers (a multiple of 8): with 8, gpuswap's
// bookkeeping for them stays in the CPU's caches, which tells its cache
// misses from its instructions.
#include <cuda.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "driver_check.h"
#include "launch_ptx.h"
#include "primary_context.h"

namespace {

using gpuswap::bench::kLaunchBufferBytes;
using gpuswap::bench::kLaunchParams;
using gpuswap::bench::kLaunchPtx;
using gpuswap::bench::kSpinNs;

constexpr int kDefaultRegions = 1000;
constexpr int kBatch = 1000;
constexpr int kBatches = 100;

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_launch_gpu", status, what);
}

}  // namespace

int main(int argc, char** argv) {
  const int regions = argc > 1 ? std::atoi(argv[1]) : kDefaultRegions;
  if (regions < kLaunchParams || regions % kLaunchParams != 0) {
    std::fprintf(stderr, "bench_launch_gpu: the buffer count must be a multiple of %d\n",
                 kLaunchParams);
    return 2;
  }
  CUmodule module = nullptr;
  CUfunction null8 = nullptr;
  CUfunction spin = nullptr;
  CUstream stream = nullptr;
  if (!gpuswap::bench::start_primary_context("bench_launch_gpu") ||
      !ok(cuModuleLoadData(&module, kLaunchPtx), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&null8, module, "null8"), "cuModuleGetFunction") ||
      !ok(cuModuleGetFunction(&spin, module, "spin"), "cuModuleGetFunction") ||
      !ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return 1;
  }
  std::vector<CUdeviceptr> buffers(static_cast<std::size_t>(regions));
  for (CUdeviceptr& buffer : buffers) {
    if (!ok(cuMemAlloc(&buffer, kLaunchBufferBytes), "cuMemAlloc")) return 1;
  }
  std::array<CUdeviceptr, kLaunchParams> values{};
  std::array<void*, kLaunchParams> params{};
  for (int p = 0; p < kLaunchParams; ++p)
    params[static_cast<std::size_t>(p)] = &values[static_cast<std::size_t>(p)];
  std::size_t next = 0;
  const auto launch = [&] {
    for (std::size_t p = 0; p < kLaunchParams; ++p) values[p] = buffers[next + p];
    next = (next + kLaunchParams) % buffers.size();
    return cuLaunchKernel(null8, 1, 1, 1, 1, 1, 1, 0, stream, params.data(), nullptr);
  };
  // Every buffer touched once, so that the batches see the steady state.
  for (int i = 0; i < regions / kLaunchParams; ++i) {
    if (!ok(launch(), "cuLaunchKernel")) return 1;
  }
  if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 1;

  std::vector<double> per_launch_ns;
  for (int batch = 0; batch < kBatches; ++batch) {
    std::uint64_t spin_ns = kSpinNs;
    void* spin_params[] = {&spin_ns};
    if (!ok(cuLaunchKernel(spin, 1, 1, 1, 1, 1, 1, 0, stream, spin_params, nullptr), "spin")) {
      return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kBatch; ++i) {
      if (!ok(launch(), "cuLaunchKernel")) return 1;
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    per_launch_ns.push_back(
        static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
        kBatch);
    if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 1;
  }
  std::sort(per_launch_ns.begin(), per_launch_ns.end());
  std::printf(
      "launch (GPU busy, 8 pointers over %d buffers): median %.0f ns, min %.0f ns, "
      "p90 %.0f ns per launch over %d batches of %d\n",
      regions, per_launch_ns[per_launch_ns.size() / 2], per_launch_ns.front(),
      per_launch_ns[per_launch_ns.size() * 9 / 10], kBatches, kBatch);
  return 0;
}
