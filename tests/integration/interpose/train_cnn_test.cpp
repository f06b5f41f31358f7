// The demo trainer (CUDA runtime, cuDNN, cuBLAS, custom kernels) under the
// shim: every hook in its path is active and passes through, so each step's
// loss must be bit-identical to a run without it.
#include <gtest/gtest.h>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

std::vector<std::string> losses(const std::string& out) {
  return lines_containing(out, " loss ");
}

void expect_identical_under_shim(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {GPUSWAP_TRAIN_CNN};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::map<std::string, std::string> plain_env = {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}};
  std::map<std::string, std::string> shim_env = plain_env;
  shim_env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;

  const ChildResult plain = run_child(argv, plain_env);
  const ChildResult shimmed = run_child(argv, shim_env);
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  ASSERT_EQ(losses(plain.out).size(), 3u) << plain.out;
  EXPECT_EQ(losses(shimmed.out), losses(plain.out));
  EXPECT_TRUE(lines_containing(shimmed.err, "gpuswap:").empty()) << shimmed.err;
}

TEST(TrainCnnUnderShim, PlainAllocatorLossesAreBitIdentical) {
  expect_identical_under_shim({"--steps", "3", "--batch", "8"});
}

TEST(TrainCnnUnderShim, CachingAllocatorLossesAreBitIdentical) {
  expect_identical_under_shim({"--steps", "3", "--batch", "8", "--caching-allocator"});
}

}  // namespace
}  // namespace gpuswap::testing
