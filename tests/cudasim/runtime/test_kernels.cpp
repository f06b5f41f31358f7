#include "test_kernels.h"

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "cudasim/kernel.h"

namespace cudasim_test {

const char kFill = 0;
const char kAxpy = 0;
const char kStamp = 0;
const char kStore = 0;
const char kHold = 0;
const char kMissing = 0;

namespace {

constexpr const char* kModule = "runtime_test";
std::atomic<int> g_stamp_launches{0};

void fill(const cudasimLaunch*, void** args) {
  auto* out = cudasim::arg<float*>(args, 0);
  const auto value = cudasim::arg<float>(args, 1);
  const auto n = cudasim::arg<int>(args, 2);
  for (int i = 0; i < n; ++i) out[i] = value;
}

void axpy(const cudasimLaunch*, void** args) {
  const auto a = cudasim::arg<float>(args, 0);
  const auto* x = cudasim::arg<const float*>(args, 1);
  auto* y = cudasim::arg<float*>(args, 2);
  const auto n = cudasim::arg<int>(args, 3);
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

void stamp(const cudasimLaunch*, void** args) {
  auto* slot = cudasim::arg<int*>(args, 0);
  auto* counter = cudasim::arg<int*>(args, 1);
  const auto delay_ms = cudasim::arg<int>(args, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  *slot = ++*counter;
  g_stamp_launches.fetch_add(1);
}

void store(const cudasimLaunch*, void** args) {
  *cudasim::arg<float*>(args, 0) = cudasim::arg<float>(args, 1);
}

void hold(const cudasimLaunch*, void** args) {
  const auto* release = cudasim::arg<const int*>(args, 0);
  while (__atomic_load_n(release, __ATOMIC_ACQUIRE) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

template <typename... Args>
int add(cudasimRegisterKernel_t register_kernel, const char* name, cudasimKernelFn fn,
        const void* symbol) {
  using Layout = cudasim::ParamLayout<Args...>;
  if (const int r = register_kernel(kModule, name, fn, static_cast<unsigned>(Layout::count),
                                    Layout::offsets.data(), Layout::sizes.data());
      r != 0) {
    return r;
  }
  return cudasimRegisterFunction(symbol, kModule, name);
}

}  // namespace

int register_test_kernels() {
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
  if (driver == nullptr) return cudaErrorInsufficientDriver;
  auto register_kernel =
      reinterpret_cast<cudasimRegisterKernel_t>(dlsym(driver, "cudasimRegisterKernel"));
  if (register_kernel == nullptr) return cudaErrorInsufficientDriver;
  int r = add<float*, float, int>(register_kernel, "fill", fill, &kFill);
  if (r == 0) r = add<float, const float*, float*, int>(register_kernel, "axpy", axpy, &kAxpy);
  if (r == 0) r = add<int*, int*, int>(register_kernel, "stamp", stamp, &kStamp);
  if (r == 0) r = add<float*, float>(register_kernel, "store", store, &kStore);
  if (r == 0) r = add<const int*>(register_kernel, "hold", hold, &kHold);
  if (r == 0) r = cudasimRegisterFunction(&kMissing, kModule, "no_such_kernel");
  return r;
}

int stamp_launches() {
  return g_stamp_launches.load();
}

}  // namespace cudasim_test
