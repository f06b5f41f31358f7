// A driver-API program behaves identically with the shim preloaded, and its
// driver calls do go through the shim's hooks.
#include <gtest/gtest.h>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

TEST(DriverApiProgram, RunsIdenticallyThroughTheHooks) {
  const std::map<std::string, std::string> plain_env = {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}};
  std::map<std::string, std::string> shim_env = plain_env;
  shim_env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;

  const ChildResult plain = run_child({GPUSWAP_DRIVER_API_PROGRAM}, plain_env);
  const ChildResult shimmed = run_child({GPUSWAP_DRIVER_API_PROGRAM}, shim_env);

  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("wrong=0"), std::string::npos) << plain.out;
  EXPECT_EQ(lines_containing(plain.err, "cuMemAlloc from libcuda.so.1").size(), 1u) << plain.err;

  EXPECT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  EXPECT_EQ(shimmed.out, plain.out);
  EXPECT_EQ(lines_containing(shimmed.err, "cuMemAlloc from libgpuswap.so").size(), 1u)
      << shimmed.err;
  // The driver has VMM and cuFuncGetParamInfo: no pass-through notice.
  EXPECT_TRUE(lines_containing(shimmed.err, "gpuswap:").empty()) << shimmed.err;
}

TEST(DriverApiProgram, DebugLogReportsTheShimActive) {
  const ChildResult shimmed =
      run_child({GPUSWAP_DRIVER_API_PROGRAM}, {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR},
                                               {"LD_PRELOAD", GPUSWAP_TEST_PRELOAD},
                                               {"GPUSWAP_LOG", "debug"}});
  EXPECT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  const std::vector<std::string> lines = lines_containing(shimmed.err, "gpuswap:");
  ASSERT_EQ(lines.size(), 1u) << shimmed.err;
  EXPECT_NE(lines[0].find("active"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace gpuswap::testing
