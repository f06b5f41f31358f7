// A program on the driver API: allocate, copy in, launch a registered
// kernel, copy out, print what it computed. Run with and without the shim,
// its output must not change. stderr names the object its cuMemAlloc
// binds to, so the test can tell that the hook was really in the way.
// With --fork it also forks once its kernel ran; the child leaves through
// exit() (atexit handlers and all) and the parent, which gives it 10 s,
// carries on.
#include <cuda.h>
#include <dlfcn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "cudasim/kernel.h"

namespace {

void scale_add(const cudasimLaunch*, void** args) {
  auto* out = cudasim::arg<float*>(args, 0);
  const auto* in = cudasim::arg<const float*>(args, 1);
  const float a = cudasim::arg<float>(args, 2);
  const int n = cudasim::arg<int>(args, 3);
  for (int i = 0; i < n; ++i) out[i] = a * in[i] + 1.0f;
}

bool ok(CUresult status, const char* what) {
  if (status == CUDA_SUCCESS) return true;
  std::printf("%s failed: %d\n", what, static_cast<int>(status));
  return false;
}

const char* object_of(const void* fn) {
  Dl_info info{};
  if (dladdr(fn, &info) == 0 || info.dli_fname == nullptr) return "?";
  const char* slash = std::strrchr(info.dli_fname, '/');
  return slash != nullptr ? slash + 1 : info.dli_fname;
}

}  // namespace

// Set in the forked child. Its copies of the parent's threads' objects are
// unreachable there, which LeakSanitizer (in sanitizer builds) would report
// at its exit as leaks; this hook, which LeakSanitizer asks, turns that off.
static bool g_forked_child = false;
extern "C" __attribute__((visibility("default"))) int __lsan_is_turned_off() {
  return g_forked_child ? 1 : 0;
}

// Forks a child that tries one launch (the driver refuses it in a child) and
// exits normally; returns whether it did so within 10 s.
static bool fork_and_wait(CUfunction function, void** params) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    g_forked_child = true;
    (void)cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr);
    std::exit(0);
  }
  for (int waited_ms = 0; waited_ms < 10'000; waited_ms += 10) {
    int status = 0;
    if (waitpid(child, &status, WNOHANG) == child) {
      std::printf("child exited: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  (void)waitpid(child, nullptr, 0);
  std::printf("child hung at exit\n");
  return false;
}

int main(int argc, char** argv) {
  const bool fork_child = argc > 1 && std::strcmp(argv[1], "--fork") == 0;
  std::fprintf(stderr, "cuMemAlloc from %s\n",
               object_of(reinterpret_cast<const void*>(&cuMemAlloc)));
  CUdevice device = 0;
  CUcontext context = nullptr;
  if (!ok(cuInit(0), "cuInit") || !ok(cuDeviceGet(&device, 0), "cuDeviceGet") ||
      !ok(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain") ||
      !ok(cuCtxSetCurrent(context), "cuCtxSetCurrent")) {
    return 1;
  }
  using Layout = cudasim::ParamLayout<float*, const float*, float, int>;
  if (cudasimRegisterKernel("interpose_test", "scale_add", scale_add, Layout::count,
                            Layout::offsets.data(), Layout::sizes.data()) != CUDA_SUCCESS) {
    std::printf("cudasimRegisterKernel failed\n");
    return 1;
  }
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  if (!ok(cuModuleLoadData(&module, cudasimModuleImage("interpose_test")), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&function, module, "scale_add"), "cuModuleGetFunction")) {
    return 1;
  }

  constexpr int kCount = 4096;
  std::vector<float> host(kCount);
  for (int i = 0; i < kCount; ++i) host[i] = static_cast<float>(i % 97) * 0.5f;
  CUdeviceptr in = 0, out = 0;
  const size_t bytes = kCount * sizeof(float);
  if (!ok(cuMemAlloc(&in, bytes), "cuMemAlloc") || !ok(cuMemAlloc(&out, bytes), "cuMemAlloc") ||
      !ok(cuMemcpyHtoD(in, host.data(), bytes), "cuMemcpyHtoD")) {
    return 1;
  }
  float a = 3.0f;
  int n = kCount;
  void* params[] = {&out, &in, &a, &n};
  if (!ok(cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, nullptr, params, nullptr),
          "cuLaunchKernel") ||
      !ok(cuCtxSynchronize(), "cuCtxSynchronize")) {
    return 1;
  }
  if (fork_child && !fork_and_wait(function, params)) return 1;
  std::vector<float> result(kCount);
  if (!ok(cuMemcpyDtoH(result.data(), out, bytes), "cuMemcpyDtoH")) return 1;
  double sum = 0;
  int wrong = 0;
  for (int i = 0; i < kCount; ++i) {
    sum += result[i];
    if (result[i] != 3.0f * host[i] + 1.0f) ++wrong;
  }
  size_t free_bytes = 0, total_bytes = 0;
  if (!ok(cuMemGetInfo(&free_bytes, &total_bytes), "cuMemGetInfo")) return 1;
  std::printf("sum=%.1f wrong=%d total=%zu\n", sum, wrong, total_bytes);
  if (!ok(cuMemFree(in), "cuMemFree") || !ok(cuMemFree(out), "cuMemFree")) return 1;
  // A double free is the driver's to report, shim or not.
  std::printf("double free: %d\n", static_cast<int>(cuMemFree(in)));
  return wrong == 0 ? 0 : 1;
}
