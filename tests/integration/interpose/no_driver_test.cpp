// Without a driver the shim logs one line and changes nothing: the program,
// linked against the real CUDA runtime, gets the same answer as without it.
#include <gtest/gtest.h>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

TEST(NoDriver, ProgramSeesCudasOwnErrorAndOneLogLine) {
  const ChildResult plain = run_child({GPUSWAP_NO_DRIVER_PROGRAM}, {});
  const ChildResult shimmed =
      run_child({GPUSWAP_NO_DRIVER_PROGRAM}, {{"LD_PRELOAD", GPUSWAP_TEST_PRELOAD}});

  // The real runtime's verdict on a machine without libcuda.so.1.
  EXPECT_EQ(plain.exit_code, 1) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("cudaErrorInsufficientDriver"), std::string::npos) << plain.out;
  EXPECT_TRUE(lines_containing(plain.err, "gpuswap").empty());

  EXPECT_EQ(shimmed.exit_code, plain.exit_code);
  EXPECT_EQ(shimmed.out, plain.out);
  const std::vector<std::string> lines = lines_containing(shimmed.err, "gpuswap");
  ASSERT_EQ(lines.size(), 1u) << shimmed.err;
  EXPECT_NE(lines[0].find("no CUDA driver found"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("passing every call through"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace gpuswap::testing
