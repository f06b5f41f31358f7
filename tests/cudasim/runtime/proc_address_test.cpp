// Run with the dlsym probe preloaded: the runtime must reach the driver the
// way NVIDIA's does, so that an interposer sees the same path.
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "dlsym_probe.h"
#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

template <typename Fn>
Fn probe(const char* name) {
  auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
  if (fn == nullptr) ADD_FAILURE() << name << " missing: run with LD_PRELOAD=<the dlsym probe>";
  return fn;
}

std::vector<std::string> names(int (*list)(const char* const**)) {
  const char* const* raw = nullptr;
  const int count = list(&raw);
  return std::vector<std::string>(raw, raw + count);
}

bool contains(const std::vector<std::string>& all, const std::string& name) {
  for (const auto& n : all) {
    if (n == name) return true;
  }
  return false;
}

TEST(ProcAddressTest, RuntimeReachesTheDriverOnlyThroughCuGetProcAddress) {
  auto dlsym_names = probe<dlsymProbeNames_t>("dlsymProbeNames");
  auto proc_names = probe<dlsymProbeProcNames_t>("dlsymProbeProcNames");
  auto mem_allocs = probe<dlsymProbeMemAllocCalls_t>("dlsymProbeMemAllocCalls");
  auto launches = probe<dlsymProbeLaunchCalls_t>("dlsymProbeLaunchCalls");
  ASSERT_TRUE(dlsym_names && proc_names && mem_allocs && launches);

  ASSERT_EQ(register_test_kernels(), 0);
  const int allocs_before = mem_allocs();
  float* device = nullptr;
  ASSERT_EQ(cudaMalloc(&device, 64 * sizeof(float)), cudaSuccess);
  ASSERT_EQ(launch(&kFill, 1, 1, nullptr, device, 3.0f, 64), cudaSuccess);
  float out[64] = {};
  ASSERT_EQ(cudaMemcpy(out, device, sizeof(out), cudaMemcpyDeviceToHost), cudaSuccess);
  for (float v : out) ASSERT_EQ(v, 3.0f);
  ASSERT_EQ(cudaFree(device), cudaSuccess);

  // The calls went through the pointers that cuGetProcAddress handed out.
  EXPECT_EQ(mem_allocs() - allocs_before, 1);
  EXPECT_EQ(launches(), 1);

  // dlsym saw no driver entry point other than cuGetProcAddress_v2
  // (cudasim's own registration entry points are not driver API).
  const std::regex driver_api("cu[A-Z].*");
  bool asked_for_get_proc = false;
  for (const std::string& name : names(dlsym_names)) {
    if (!std::regex_match(name, driver_api)) continue;
    EXPECT_EQ(name, "cuGetProcAddress_v2") << "looked up with dlsym: " << name;
    asked_for_get_proc = asked_for_get_proc || name == "cuGetProcAddress_v2";
  }
  EXPECT_TRUE(asked_for_get_proc);

  const std::vector<std::string> requested = names(proc_names);
  for (const char* expected :
       {"cuInit", "cuDevicePrimaryCtxRetain", "cuMemAlloc", "cuMemFree", "cuMemcpyDtoH",
        "cuLibraryLoadData", "cuLibraryGetKernel", "cuLaunchKernel"}) {
    EXPECT_TRUE(contains(requested, expected)) << expected << " not asked of cuGetProcAddress";
  }
}

}  // namespace
}  // namespace cudasim_test
