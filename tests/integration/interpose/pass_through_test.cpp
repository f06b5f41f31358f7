// A driver the shim cannot work with (too old, no device, no virtual memory
// management): one log line naming the reason, and the driver's own
// functions handed out. A capable driver: silence, and the hooks.
#include <gtest/gtest.h>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

ChildResult run_over_driver(std::map<std::string, std::string> env) {
  env["LD_LIBRARY_PATH"] = GPUSWAP_SYMBOLIC_DRIVER_DIR;
  env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;
  return run_child({GPUSWAP_PASS_THROUGH_PROGRAM}, env);
}

void expect_pass_through(const ChildResult& run, const std::string& reason) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "cuMemAlloc from libcuda.so.1\n");
  const std::vector<std::string> lines = lines_containing(run.err, "gpuswap");
  ASSERT_EQ(lines.size(), 1u) << run.err;
  EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("passing every call through"), std::string::npos) << lines[0];
}

TEST(PassThroughMode, DriverOlderThanCuda124) {
  expect_pass_through(run_over_driver({{"SYMBOLIC_DRIVER_VERSION", "12020"}}),
                      "has no cuFuncGetParamInfo");
}

TEST(PassThroughMode, NoDevice) {
  expect_pass_through(run_over_driver({{"SYMBOLIC_DRIVER_DEVICES", "0"}}), "no CUDA device");
}

TEST(PassThroughMode, DeviceWithoutVirtualMemoryManagement) {
  expect_pass_through(
      run_over_driver({{"SYMBOLIC_DRIVER_DEVICES", "2"}, {"SYMBOLIC_DRIVER_VMM", "0"}}),
      "does not support virtual memory management");
}

TEST(PassThroughMode, CapableDriverGetsTheHooksSilently) {
  const ChildResult run = run_over_driver({});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "cuMemAlloc from libgpuswap.so\n");
  EXPECT_TRUE(lines_containing(run.err, "gpuswap").empty()) << run.err;
}

}  // namespace
}  // namespace gpuswap::testing
