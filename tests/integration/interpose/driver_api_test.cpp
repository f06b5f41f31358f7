// A driver-API program behaves identically with the shim preloaded, and its
// driver calls do go through the shim's hooks.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

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

// A child forked after the runtime started (its launch reporter and, with a
// trace, its trace writer run in the parent) leaves through exit(): the
// atexit summary must not try to stop the parent's threads, which the
// child does not have (joining one never returns). The parent is unharmed.
TEST(DriverApiProgram, AChildForkedAfterLaunchesExitsNormally) {
  const std::string trace = ::testing::TempDir() + "fork_trace.jsonl";
  const std::map<std::string, std::string> plain_env = {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}};
  std::map<std::string, std::string> shim_env = plain_env;
  shim_env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;
  shim_env["GPUSWAP_TRACE"] = trace;
  shim_env["GPUSWAP_LOG"] = "info";

  const ChildResult plain = run_child({GPUSWAP_DRIVER_API_PROGRAM, "--fork"}, plain_env);
  const ChildResult shimmed = run_child({GPUSWAP_DRIVER_API_PROGRAM, "--fork"}, shim_env);
  std::remove(trace.c_str());
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("child exited: 0"), std::string::npos) << plain.out;
  EXPECT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  EXPECT_EQ(shimmed.out, plain.out);
  // The summary is the parent's alone.
  EXPECT_EQ(lines_containing(shimmed.err, "kernel launches took the fast path").size(), 1u)
      << shimmed.err;
}

}  // namespace
}  // namespace gpuswap::testing
