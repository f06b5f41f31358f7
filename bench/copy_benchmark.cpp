// The bandwidth cudasim itself delivers for the copies gpuswap makes: one
// buffer of 3 or 6 MiB (the demo trainer's region sizes) between pinned host
// memory and device memory, asynchronously on a stream and waited for, as an
// eviction or a restore is. bench/run.sh compares gpuswap's achieved bandwidth
// with these figures as well as with the nominal link (CUDASIM_LINK_GBPS).
//
// BM_CopyHtoDFreshPages copies into device pages mapped just before
// (cuMemCreate + cuMemMap + cuMemSetAccess, outside the timed part), as a
// restore into pages taken from the pool does; the others reuse one
// allocation whose pages have been touched.
#include <benchmark/benchmark.h>
#include <cuda.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

#include "driver_check.h"
#include "primary_context.h"

namespace {

constexpr std::size_t kMaxBytes = std::size_t{6} << 20;
constexpr std::size_t kGranule = std::size_t{2} << 20;

struct Device {
  CUcontext context = nullptr;
  CUdevice ordinal = 0;
  CUstream stream = nullptr;
  void* host = nullptr;
  CUdeviceptr buffer = 0;
  CUdeviceptr reserved = 0;  // a range for BM_CopyHtoDFreshPages
};

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_copy", status, what);
}

bool set_up(Device* device) {
  if (!gpuswap::bench::start_primary_context("bench_copy", &device->ordinal, &device->context) ||
      !ok(cuStreamCreate(&device->stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate") ||
      !ok(cuMemAllocHost(&device->host, kMaxBytes), "cuMemAllocHost") ||
      !ok(cuMemAlloc(&device->buffer, kMaxBytes), "cuMemAlloc") ||
      !ok(cuMemAddressReserve(&device->reserved, kMaxBytes, kGranule, 0, 0),
          "cuMemAddressReserve")) {
    return false;
  }
  // Touch both sides once so that the steady-state copies measure the link
  // and the copy, not first-touch page faults.
  std::memset(device->host, 1, kMaxBytes);
  return ok(cuMemsetD8(device->buffer, 2, kMaxBytes), "cuMemsetD8");
}

bool copy(const Device& device, bool to_device, CUdeviceptr at, std::size_t bytes) {
  const CUresult issued = to_device ? cuMemcpyHtoDAsync(at, device.host, bytes, device.stream)
                                    : cuMemcpyDtoHAsync(device.host, at, bytes, device.stream);
  return issued == CUDA_SUCCESS && cuStreamSynchronize(device.stream) == CUDA_SUCCESS;
}

void copies(benchmark::State& state, const Device& device, bool to_device) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    if (!copy(device, to_device, device.buffer, bytes)) {
      state.SkipWithError("copy failed");
      break;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Maps fresh physical memory at the reserved range for every copy.
void copies_to_fresh_pages(benchmark::State& state, const Device& device) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const std::size_t mapped = (bytes + kGranule - 1) / kGranule * kGranule;
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  prop.location.id = device.ordinal;
  CUmemAccessDesc access{};
  access.location = prop.location;
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  for (auto _ : state) {
    state.PauseTiming();
    CUmemGenericAllocationHandle handle = 0;
    if (cuMemCreate(&handle, mapped, &prop, 0) != CUDA_SUCCESS ||
        cuMemMap(device.reserved, mapped, 0, handle, 0) != CUDA_SUCCESS ||
        cuMemSetAccess(device.reserved, mapped, &access, 1) != CUDA_SUCCESS) {
      state.SkipWithError("mapping fresh device memory failed");
      break;
    }
    state.ResumeTiming();
    const bool copied = copy(device, true, device.reserved, bytes);
    state.PauseTiming();
    const bool unmapped =
        cuMemUnmap(device.reserved, mapped) == CUDA_SUCCESS && cuMemRelease(handle) == CUDA_SUCCESS;
    state.ResumeTiming();
    if (!copied || !unmapped) {
      state.SkipWithError("copy into fresh device memory failed");
      break;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

}  // namespace

int main(int argc, char** argv) {
  Device device;
  if (!set_up(&device)) return 1;
  for (const long bytes : {3l << 20, 6l << 20}) {
    benchmark::RegisterBenchmark(
        "BM_CopyDtoH", [&device](benchmark::State& state) { copies(state, device, false); })
        ->Arg(bytes)
        ->UseRealTime();
    benchmark::RegisterBenchmark(
        "BM_CopyHtoD", [&device](benchmark::State& state) { copies(state, device, true); })
        ->Arg(bytes)
        ->UseRealTime();
    benchmark::RegisterBenchmark(
        "BM_CopyHtoDFreshPages",
        [&device](benchmark::State& state) { copies_to_fresh_pages(state, device); })
        ->Arg(bytes)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const bool freed = ok(cuMemAddressFree(device.reserved, kMaxBytes), "cuMemAddressFree") &&
                     ok(cuMemFree(device.buffer), "cuMemFree") &&
                     ok(cuMemFreeHost(device.host), "cuMemFreeHost");
  return freed && ok(cuStreamDestroy(device.stream), "cuStreamDestroy") ? 0 : 1;
}
