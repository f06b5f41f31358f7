// What a kernel launch costs the launching thread, on cudasim, with or
// without libgpuswap.so preloaded (bench/run.sh runs it both ways).
//
// The program holds 1,000 live cuMemAlloc buffers, each at least the default
// min_swappable (2 MiB), so that under gpuswap every one is a region in the
// page map. A kernel that does nothing and takes 8 pointers is launched on one
// stream with its pointers rotating over all the buffers, so the hook decodes
// 8 words and finds 8 distinct regions on every launch, as a real step would.
//
// BM_LaunchEnqueue times cuLaunchKernel alone: the stream is synchronised
// after every batch of 1,000 launches with the clock paused, so the queue
// never grows without bound and the kernels' execution on the stream's worker
// is not counted. BM_LaunchEnqueueBusy does the same while the stream is held
// by a host function until the batch is issued, as a GPU busy with earlier
// work would hold it: the launching thread then never meets the stream's
// worker, and the figure is the enqueue path alone, without the scheduling
// noise of two threads sharing a queue (the figure the 5% goal is judged by).
// BM_LaunchAndRun counts the synchronisation too: launches completed per
// second.
#include <benchmark/benchmark.h>
#include <cuda.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cudasim/kernel.h"
#include "driver_check.h"
#include "primary_context.h"

namespace {

constexpr int kRegions = 1000;
constexpr std::size_t kRegionBytes = std::size_t{2} << 20;
constexpr int kParams = 8;
constexpr int kBatch = 1000;
constexpr int kLaunches = 100000;

static_assert(kRegions % kParams == 0, "every launch takes 8 distinct buffers");

void null_kernel(const cudasimLaunch*, void**) {}

struct Device {
  CUcontext context = nullptr;
  CUfunction function = nullptr;
  CUstream stream = nullptr;
  std::vector<CUdeviceptr> buffers;
};

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_launch", status, what);
}

// The launch arguments: 8 pointers into the buffers, advanced by one
// launch's worth each time so that all 1,000 are used in turn.
class RotatingArgs {
 public:
  explicit RotatingArgs(const std::vector<CUdeviceptr>& buffers) : buffers_(buffers) {
    for (int p = 0; p < kParams; ++p) params_[p] = &values_[p];
  }

  void** next() {
    for (int p = 0; p < kParams; ++p) values_[p] = buffers_[next_ + static_cast<std::size_t>(p)];
    next_ = (next_ + kParams) % buffers_.size();
    return params_.data();
  }

 private:
  const std::vector<CUdeviceptr>& buffers_;
  std::size_t next_ = 0;
  std::array<CUdeviceptr, kParams> values_{};
  std::array<void*, kParams> params_{};
};

CUresult launch(const Device& device, void** params) {
  return cuLaunchKernel(device.function, 1, 1, 1, 1, 1, 1, 0, device.stream, params, nullptr);
}

bool set_up(Device* device) {
  if (!gpuswap::bench::start_primary_context("bench_launch", nullptr, &device->context)) {
    return false;
  }
  using Layout = cudasim::ParamLayout<void*, void*, void*, void*, void*, void*, void*, void*>;
  CUmodule module = nullptr;
  if (!ok(static_cast<CUresult>(cudasimRegisterKernel("bench_launch", "null8", null_kernel,
                                                      Layout::count, Layout::offsets.data(),
                                                      Layout::sizes.data())),
          "cudasimRegisterKernel") ||
      !ok(cuModuleLoadData(&module, cudasimModuleImage("bench_launch")), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&device->function, module, "null8"), "cuModuleGetFunction") ||
      !ok(cuStreamCreate(&device->stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return false;
  }
  device->buffers.resize(kRegions);
  for (CUdeviceptr& buffer : device->buffers) {
    if (!ok(cuMemAlloc(&buffer, kRegionBytes), "cuMemAlloc")) return false;
  }
  // One launch over every buffer before measuring, so that under gpuswap
  // each region has been made resident once and the benchmark measures the
  // steady state, not first touches.
  RotatingArgs args(device->buffers);
  for (int i = 0; i < kRegions / kParams; ++i) {
    if (!ok(launch(*device, args.next()), "cuLaunchKernel")) return false;
  }
  return ok(cuStreamSynchronize(device->stream), "cuStreamSynchronize");
}

// A host function that holds its stream until the flag is set.
void hold_stream(void* flag) {
  auto* open = static_cast<std::atomic<bool>*>(flag);
  while (!open->load(std::memory_order_acquire)) std::this_thread::yield();
}

enum class Mode { kEnqueue, kEnqueueBusy, kLaunchAndRun };

void launch_batches(benchmark::State& state, const Device& device, Mode mode) {
  const bool count_sync = mode == Mode::kLaunchAndRun;
  const bool hold = mode == Mode::kEnqueueBusy;
  std::atomic<bool> open{false};
  const auto close_stream = [&] {
    open.store(false, std::memory_order_release);
    return cuLaunchHostFunc(device.stream, hold_stream, &open) == CUDA_SUCCESS;
  };
  if (hold && !close_stream()) {
    state.SkipWithError("cuLaunchHostFunc failed");
    return;
  }
  RotatingArgs args(device.buffers);
  int in_batch = 0;
  for (auto _ : state) {
    if (launch(device, args.next()) != CUDA_SUCCESS) {
      state.SkipWithError("cuLaunchKernel failed");
      break;
    }
    if (++in_batch < kBatch) continue;
    in_batch = 0;
    if (!count_sync) state.PauseTiming();
    open.store(true, std::memory_order_release);
    if (cuStreamSynchronize(device.stream) != CUDA_SUCCESS) {
      state.SkipWithError("cuStreamSynchronize failed");
      break;
    }
    if (hold && !close_stream()) {
      state.SkipWithError("cuLaunchHostFunc failed");
      break;
    }
    if (!count_sync) state.ResumeTiming();
  }
  open.store(true, std::memory_order_release);
  if (cuStreamSynchronize(device.stream) != CUDA_SUCCESS) {
    state.SkipWithError("cuStreamSynchronize failed");
  }
  state.counters["launches/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  Device device;
  if (!set_up(&device)) return 1;
  benchmark::AddCustomContext(
      "regions", std::to_string(kRegions) + " x " + std::to_string(kRegionBytes >> 20) + " MiB");
  benchmark::AddCustomContext(
      "launch",
      std::to_string(kParams) + " pointer parameters, batches of " + std::to_string(kBatch));
  benchmark::RegisterBenchmark(
      "BM_LaunchEnqueue",
      [&device](benchmark::State& state) { launch_batches(state, device, Mode::kEnqueue); })
      ->Iterations(kLaunches)
      ->UseRealTime();
  benchmark::RegisterBenchmark(
      "BM_LaunchEnqueueBusy",
      [&device](benchmark::State& state) { launch_batches(state, device, Mode::kEnqueueBusy); })
      ->Iterations(kLaunches)
      ->UseRealTime();
  benchmark::RegisterBenchmark(
      "BM_LaunchAndRun",
      [&device](benchmark::State& state) { launch_batches(state, device, Mode::kLaunchAndRun); })
      ->Iterations(kLaunches)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (CUdeviceptr buffer : device.buffers) {
    if (!ok(cuMemFree(buffer), "cuMemFree")) return 1;
  }
  return ok(cuStreamDestroy(device.stream), "cuStreamDestroy") ? 0 : 1;
}
