// What gpuswap's launch path costs, measured inside one process: batches of
// plain cuLaunchKernel calls alternate with batches that do what the
// launch hook does around the same call (decode the parameters, prepare the
// regions, launch, release). The machine's drift and noise then weigh on
// both sides alike, which two separate processes (bench_launch_gpu with and
// without LD_PRELOAD) cannot ensure: on a real card the driver's own launch
// time varies by tens of percent from run to run.
//
// It runs on a real GPU (the kernels come as PTX) and on cudasim (host
// kernels registered through cudasimRegisterKernel when the driver has it).
// As in bench_launch_gpu, 1,000 2 MiB buffers (regions of a Runtime made
// here) are used 8 at a time by a kernel that does nothing, each batch
// behind a kernel that keeps the stream busy, so only the enqueue is timed.
// Not counted: the hook's dispatch into the runtime (a few loads and a
// branch; bench_launch with LD_PRELOAD includes it). The launching thread's
// own CPU time is printed too: on a machine with few cores, time another
// thread (cudasim's stream worker, gpuswap's launch reporter) took from it
// shows as wall time only.
//
// Under LD_PRELOAD=libgpuswap.so it measures the whole hook instead: the
// buffers come from cuMemAlloc (the shim's regions), and the batches
// alternate between the driver's own cuLaunchKernel, found with libc's
// dlsym past the shim's override, and the exported one, which is the hook.
#include <cuda.h>
#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "cudasim/kernel.h"
#include "driver_check.h"
#include "gpuswap/config/config.h"
#include "gpuswap/policy/policy.h"
#include "gpuswap/runtime/driver_table.h"
#include "gpuswap/runtime/runtime.h"
#include "launch_ptx.h"
#include "primary_context.h"

namespace {

using gpuswap::bench::kLaunchBufferBytes;
using gpuswap::bench::kLaunchParams;
using gpuswap::bench::kLaunchPtx;
using gpuswap::bench::kSpinNs;

namespace rt = gpuswap::runtime;

constexpr int kRegions = 1000;
constexpr int kBatch = 1000;
constexpr int kPairs = 100;

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_hook_cost", status, what);
}

// cudasim's stand-ins for the PTX kernels.
void null8_host(const cudasimLaunch*, void**) {}
void spin_host(const cudasimLaunch*, void** args) {
  const auto ns = cudasim::arg<std::uint64_t>(args, 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  while (std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

// The module image: cudasim's when the driver is cudasim, else the PTX.
const void* module_image() {
  using Register = decltype(&cudasimRegisterKernel);
  using Image = decltype(&cudasimModuleImage);
  auto register_kernel = reinterpret_cast<Register>(dlsym(RTLD_DEFAULT, "cudasimRegisterKernel"));
  auto image = reinterpret_cast<Image>(dlsym(RTLD_DEFAULT, "cudasimModuleImage"));
  if (register_kernel == nullptr || image == nullptr) return kLaunchPtx;
  using Null8 = cudasim::ParamLayout<void*, void*, void*, void*, void*, void*, void*, void*>;
  using Spin = cudasim::ParamLayout<std::uint64_t>;
  if (register_kernel("bench_hook_cost", "null8", null8_host, Null8::count, Null8::offsets.data(),
                      Null8::sizes.data()) != 0 ||
      register_kernel("bench_hook_cost", "spin", spin_host, Spin::count, Spin::offsets.data(),
                      Spin::sizes.data()) != 0) {
    return nullptr;
  }
  return image("bench_hook_cost");
}

void* resolve(const char* name, void*) {
  return dlsym(RTLD_DEFAULT, name);
}

using LaunchKernel = decltype(&cuLaunchKernel);

// The driver's own cuLaunchKernel when libgpuswap.so is preloaded (the
// exported one is then its hook), else nullptr. libc's dlsym is asked
// directly, as the shim itself does, since the shim overrides dlsym.
LaunchKernel driver_launch_past_shim() {
  // By libc's handle: from the program, RTLD_NEXT would find the shim first.
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
  if (libc == nullptr || driver == nullptr) return nullptr;
  using Dlsym = void* (*)(void*, const char*);
  auto libc_dlsym = reinterpret_cast<Dlsym>(dlvsym(libc, "dlsym", "GLIBC_2.34"));
  if (libc_dlsym == nullptr)
    libc_dlsym = reinterpret_cast<Dlsym>(dlvsym(libc, "dlsym", "GLIBC_2.2.5"));
  if (libc_dlsym == nullptr) return nullptr;
  auto own = reinterpret_cast<LaunchKernel>(libc_dlsym(driver, "cuLaunchKernel"));
  return own != nullptr && own != &cuLaunchKernel ? own : nullptr;
}

double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main() {
  if (!gpuswap::bench::start_primary_context("bench_hook_cost")) return 1;
  const LaunchKernel driver_launch = driver_launch_past_shim();
  const bool through_shim = driver_launch != nullptr;
  rt::DriverTable driver;
  if (const rt::DriverTableLoad load = rt::load_driver_table(driver, &resolve, nullptr);
      !load.status) {
    std::fprintf(stderr, "bench_hook_cost: driver function %s missing\n",
                 load.first_missing != nullptr ? load.first_missing : "?");
    return 1;
  }
  gpuswap::config::Config config;
  config.device_reserve = gpuswap::config::Size::bytes(0);
  std::unique_ptr<rt::Runtime> runtime;
  if (const rt::Status status =
          through_shim
              ? rt::Status::ok()
              : rt::Runtime::create(driver, config, gpuswap::policy::make_policy(config), &runtime);
      !status) {
    std::fprintf(stderr, "bench_hook_cost: the runtime could not start (%s)\n",
                 rt::status_name(status.code()));
    return 1;
  }

  const void* image = module_image();
  CUmodule module = nullptr;
  CUfunction null8 = nullptr;
  CUfunction spin = nullptr;
  CUstream stream = nullptr;
  if (image == nullptr || !ok(cuModuleLoadData(&module, image), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&null8, module, "null8"), "cuModuleGetFunction") ||
      !ok(cuModuleGetFunction(&spin, module, "spin"), "cuModuleGetFunction") ||
      !ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return 1;
  }
  std::vector<CUdeviceptr> buffers(kRegions);
  for (CUdeviceptr& buffer : buffers) {
    if (through_shim ? cuMemAlloc(&buffer, kLaunchBufferBytes) != CUDA_SUCCESS
                     : !runtime->mem_alloc(kLaunchBufferBytes, &buffer)) {
      std::fprintf(stderr, "bench_hook_cost: allocation failed\n");
      return 1;
    }
  }

  std::array<CUdeviceptr, kLaunchParams> values{};
  std::array<void*, kLaunchParams> params{};
  for (int p = 0; p < kLaunchParams; ++p) params[p] = &values[p];
  std::size_t next = 0;
  const auto rotate = [&] {
    for (int p = 0; p < kLaunchParams; ++p) values[p] = buffers[(next + p) % buffers.size()];
    next = (next + kLaunchParams) % buffers.size();
  };
  const LaunchKernel plain_launch = through_shim ? driver_launch : &cuLaunchKernel;
  const auto plain = [&] {
    return plain_launch(null8, 1, 1, 1, 1, 1, 1, 0, stream, params.data(), nullptr);
  };
  rt::TouchedRegions touched;
  const auto hooked = [&] {
    if (through_shim) {
      return cuLaunchKernel(null8, 1, 1, 1, 1, 1, 1, 0, stream, params.data(), nullptr);
    }
    // As the hook does (interpose/driver_hooks.h, driver_calls.h): the
    // unrecorded path, else the quiet path, both without a guard, else
    // decode and prepare under one.
    if (rt::ThreadSlots::Slot* unrecorded = runtime->begin_unrecorded_launch(stream)) {
      const CUresult result = plain();
      unrecorded->end_launch();
      return result;
    }
    if (rt::ThreadSlots::Slot* quiet = runtime->begin_quiet_launch(
            null8, rt::FunctionKind::kFunction, params.data(), stream, 0)) {
      const CUresult result = plain();
      quiet->end_launch();
      return result;
    }
    rt::PinGuard guard;
    const rt::OperationInfo info{gpuswap::policy::OperationKind::kernel, 0};
    if (!runtime->decode_launch(null8, rt::FunctionKind::kFunction, params.data(), nullptr,
                                &touched) ||
        !runtime->prepare(touched, stream, info, &guard)) {
      return CUDA_ERROR_UNKNOWN;
    }
    return plain();
  };
  // Every buffer made resident and used once, so that the batches see the
  // steady state (and the fast path).
  for (int i = 0; i < kRegions / kLaunchParams; ++i) {
    rotate();
    if (!ok(hooked(), "first launches")) return 1;
  }
  if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 1;

  // One timed batch behind a kernel that keeps the stream busy.
  const auto batch = [&](bool through_runtime, double* per_launch_ns, double* cpu_per_launch_ns) {
    std::uint64_t spin_ns = kSpinNs;
    void* spin_params[] = {&spin_ns};
    if (!ok(cuLaunchKernel(spin, 1, 1, 1, 1, 1, 1, 0, stream, spin_params, nullptr), "spin")) {
      return false;
    }
    const double cpu_started = thread_cpu_ns();
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kBatch; ++i) {
      rotate();
      if (!ok(through_runtime ? hooked() : plain(), "cuLaunchKernel")) return false;
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    *per_launch_ns =
        static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
        kBatch;
    *cpu_per_launch_ns = (thread_cpu_ns() - cpu_started) / kBatch;
    return ok(cuStreamSynchronize(stream), "cuStreamSynchronize");
  };
  std::vector<double> plain_ns;
  std::vector<double> hooked_ns;
  std::vector<double> added_ns;
  std::vector<double> added_cpu_ns;
  for (int pair = 0; pair < kPairs; ++pair) {
    double a = 0;
    double b = 0;
    double cpu_a = 0;
    double cpu_b = 0;
    // Alternate which side goes first, so that neither always follows the other.
    const bool hooked_first = pair % 2 == 1;
    if (!batch(hooked_first, hooked_first ? &b : &a, hooked_first ? &cpu_b : &cpu_a) ||
        !batch(!hooked_first, hooked_first ? &a : &b, hooked_first ? &cpu_a : &cpu_b)) {
      return 1;
    }
    plain_ns.push_back(a);
    hooked_ns.push_back(b);
    added_ns.push_back(b - a);
    added_cpu_ns.push_back(cpu_b - cpu_a);
  }
  const double base = median(plain_ns);
  const double added = median(added_ns);
  std::printf(
      "launch (stream busy, 8 pointers over %d regions), %d alternating pairs of %d-launch "
      "batches: plain %.0f ns, through the %s %.0f ns; added per launch (median of pair "
      "differences) %.0f ns = %.1f%%\n",
      kRegions, kPairs, kBatch, base, through_shim ? "hook" : "runtime", median(hooked_ns), added,
      100.0 * added / base);
  // Time the launching thread did not run (another thread had its core)
  // shows as wall time without CPU time.
  std::printf("the launching thread's own CPU time: %.0f ns added per launch\n",
              median(added_cpu_ns));
  if (through_shim) {
    // The shim's own summary at exit (GPUSWAP_LOG=info) says which path its
    // launches took.
    for (CUdeviceptr buffer : buffers) (void)cuMemFree(buffer);
    return ok(cuStreamDestroy(stream), "cuStreamDestroy") ? 0 : 1;
  }
  const rt::SwapStats stats = runtime->stats();
  std::printf("fast path: %llu of the launches, %llu of them quiet, %llu of those unrecorded\n",
              static_cast<unsigned long long>(stats.fast_launches),
              static_cast<unsigned long long>(stats.quiet_launches),
              static_cast<unsigned long long>(stats.unrecorded_launches));
  for (CUdeviceptr buffer : buffers) (void)runtime->mem_free(buffer);
  runtime.reset();
  return ok(cuStreamDestroy(stream), "cuStreamDestroy") ? 0 : 1;
}
