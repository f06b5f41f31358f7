// A randomized stress program on the driver API: several threads, each with
// its own stream, allocate buffers of random sizes (some small enough to pass
// through, most large enough to be regions), run kernels that
// read-modify-write random sets of them, memset and copy between them, free
// them, and check them against a host shadow throughout. With a device far
// smaller than what is live at once, every kernel forces evictions and
// restores. Exit 0: every check matched; 1: a CUDA call failed; 2: contents
// differ.
//
// usage: stress_program THREADS OPERATIONS_PER_THREAD SEED
#include <cuda.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "cudasim/kernel.h"

namespace {

// rmw(uint32_t* a, const uint32_t* b, uint32_t na, uint32_t nb, uint32_t k):
// a[i] = a[i] * 5 + b[i % nb] + k
void rmw(const cudasimLaunch*, void** args) {
  auto* a = cudasim::arg<std::uint32_t*>(args, 0);
  const auto* b = cudasim::arg<const std::uint32_t*>(args, 1);
  const auto na = cudasim::arg<std::uint32_t>(args, 2);
  const auto nb = cudasim::arg<std::uint32_t>(args, 3);
  const auto k = cudasim::arg<std::uint32_t>(args, 4);
  for (std::uint32_t i = 0; i < na; ++i) a[i] = a[i] * 5 + b[i % nb] + k;
}

struct Buffer {
  CUdeviceptr dptr = 0;
  std::vector<std::uint32_t> shadow;
  std::uint32_t words() const { return static_cast<std::uint32_t>(shadow.size()); }
};

std::atomic<int> g_failed{0};  // 1: CUDA error, 2: mismatch

bool ok(CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) return true;
  std::printf("%s failed: %d\n", what, static_cast<int>(status));
  g_failed.store(1);
  return false;
}

bool check(const Buffer& buffer, CUstream stream) {
  std::vector<std::uint32_t> back(buffer.shadow.size());
  if (!ok(cuMemcpyDtoHAsync(back.data(), buffer.dptr, back.size() * 4, stream),
          "cuMemcpyDtoHAsync") ||
      !ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) {
    return false;
  }
  if (back != buffer.shadow) {
    std::printf("mismatch in a buffer of %zu bytes\n", back.size() * 4);
    g_failed.store(2);
    return false;
  }
  return true;
}

void worker(CUcontext context, CUfunction kernel, int operations, unsigned seed, long* checks) {
  if (!ok(cuCtxSetCurrent(context), "cuCtxSetCurrent")) return;
  CUstream stream = nullptr;
  if (!ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) return;
  std::mt19937 random(seed);
  std::vector<Buffer> live;
  const auto pick = [&] { return static_cast<std::size_t>(random() % live.size()); };
  for (int op = 0; op < operations && g_failed.load() == 0; ++op) {
    const unsigned action = random() % 16;
    if (live.size() < 3 || (action == 0 && live.size() < 8)) {
      // 64 KiB to 5 MiB: below 2 MiB the shim passes them through.
      const std::size_t bytes = (std::size_t{1} << (16 + random() % 7)) + 4 * (random() % 4096);
      Buffer buffer;
      if (!ok(cuMemAlloc(&buffer.dptr, bytes), "cuMemAlloc")) return;
      buffer.shadow.resize(bytes / 4);
      for (auto& word : buffer.shadow) word = static_cast<std::uint32_t>(random());
      if (!ok(cuMemcpyHtoDAsync(buffer.dptr, buffer.shadow.data(), bytes, stream),
              "cuMemcpyHtoDAsync")) {
        return;
      }
      live.push_back(std::move(buffer));
    } else if (action == 1) {
      const std::size_t i = pick();
      if (!check(live[i], stream) || !ok(cuMemFree(live[i].dptr), "cuMemFree")) return;
      ++*checks;
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (action == 2) {
      const std::size_t i = pick();
      if (!check(live[i], stream)) return;
      ++*checks;
    } else if (action == 3) {
      Buffer& buffer = live[pick()];
      const std::uint32_t value = static_cast<std::uint32_t>(random());
      const std::size_t count = buffer.words() - random() % 64;
      if (!ok(cuMemsetD32Async(buffer.dptr, value, count, stream), "cuMemsetD32Async")) return;
      std::fill(buffer.shadow.begin(), buffer.shadow.begin() + static_cast<std::ptrdiff_t>(count),
                value);
    } else if (action == 4) {
      Buffer& to = live[pick()];
      const Buffer& from = live[pick()];
      if (&to == &from) continue;
      const std::size_t words = std::min(to.shadow.size(), from.shadow.size());
      if (!ok(cuMemcpyDtoDAsync(to.dptr, from.dptr, words * 4, stream), "cuMemcpyDtoDAsync")) {
        return;
      }
      std::copy(from.shadow.begin(), from.shadow.begin() + static_cast<std::ptrdiff_t>(words),
                to.shadow.begin());
    } else {
      Buffer& a = live[pick()];
      const Buffer& b = live[pick()];
      CUdeviceptr pa = a.dptr;
      CUdeviceptr pb = b.dptr;
      std::uint32_t na = a.words();
      std::uint32_t nb = b.words();
      std::uint32_t k = static_cast<std::uint32_t>(random());
      void* params[] = {&pa, &pb, &na, &nb, &k};
      if (!ok(cuLaunchKernel(kernel, 1, 1, 1, 1, 1, 1, 0, stream, params, nullptr),
              "cuLaunchKernel")) {
        return;
      }
      if (&a == &b) {
        const std::vector<std::uint32_t> before = b.shadow;
        for (std::uint32_t i = 0; i < na; ++i) a.shadow[i] = a.shadow[i] * 5 + before[i] + k;
      } else {
        for (std::uint32_t i = 0; i < na; ++i) a.shadow[i] = a.shadow[i] * 5 + b.shadow[i % nb] + k;
      }
    }
  }
  for (Buffer& buffer : live) {
    if (g_failed.load() != 0) break;
    if (!check(buffer, stream) || !ok(cuMemFree(buffer.dptr), "cuMemFree")) return;
    ++*checks;
  }
  (void)cuStreamDestroy(stream);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  const int operations = argc > 2 ? std::atoi(argv[2]) : 300;
  const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;

  CUdevice device = 0;
  CUcontext context = nullptr;
  if (!ok(cuInit(0), "cuInit") || !ok(cuDeviceGet(&device, 0), "cuDeviceGet") ||
      !ok(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain") ||
      !ok(cuCtxSetCurrent(context), "cuCtxSetCurrent")) {
    return 1;
  }
  using Layout = cudasim::ParamLayout<std::uint32_t*, const std::uint32_t*, std::uint32_t,
                                      std::uint32_t, std::uint32_t>;
  CUmodule module = nullptr;
  CUfunction kernel = nullptr;
  if (cudasimRegisterKernel("stress_program", "rmw", rmw, Layout::count, Layout::offsets.data(),
                            Layout::sizes.data()) != CUDA_SUCCESS ||
      !ok(cuModuleLoadData(&module, cudasimModuleImage("stress_program")), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&kernel, module, "rmw"), "cuModuleGetFunction")) {
    return 1;
  }
  std::vector<long> checks(static_cast<std::size_t>(threads), 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(worker, context, kernel, operations, seed * 1000 + t, &checks[t]);
  }
  for (std::thread& thread : pool) thread.join();
  long total = 0;
  for (long c : checks) total += c;
  std::printf("%d threads, %d operations each: %ld checks, %s\n", threads, operations, total,
              g_failed.load() == 0 ? "all matched" : "FAILED");
  return g_failed.load();
}
