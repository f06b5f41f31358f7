// A cuBLAS program behaves identically with the shim preloaded, and its
// versioned reference cublasSgemm_v2@libcublas.so.13 binds to the hook.
#include <gtest/gtest.h>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

TEST(CublasProgram, RunsIdenticallyThroughTheVersionedHook) {
  const std::map<std::string, std::string> plain_env = {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}};
  std::map<std::string, std::string> shim_env = plain_env;
  shim_env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;

  const ChildResult plain = run_child({GPUSWAP_CUBLAS_PROGRAM}, plain_env);
  const ChildResult shimmed = run_child({GPUSWAP_CUBLAS_PROGRAM}, shim_env);

  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("wrong=0"), std::string::npos) << plain.out;
  EXPECT_EQ(lines_containing(plain.err, "cublasSgemm_v2 from libcublas.so.13").size(), 1u)
      << plain.err;

  EXPECT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  EXPECT_EQ(shimmed.out, plain.out);
  EXPECT_EQ(lines_containing(shimmed.err, "cublasSgemm_v2 from libgpuswap.so").size(), 1u)
      << shimmed.err;
  EXPECT_TRUE(lines_containing(shimmed.err, "gpuswap:").empty()) << shimmed.err;
}

}  // namespace
}  // namespace gpuswap::testing
