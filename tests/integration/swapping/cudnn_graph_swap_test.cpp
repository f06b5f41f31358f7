// libgpuswap.so preloaded into a program on cuDNN's backend (graph) API whose
// buffers need more memory than the emulated card has: the graph's kernel
// reaches its tensors only through the variant pack, so the shim must read
// the pack to make them resident. The results are bit-identical to a run on a
// card large enough, and buffers really were evicted on the way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "shim_run.h"

namespace gpuswap::testing {
namespace {

constexpr const char* kSmallDevice = "32MiB";
constexpr const char* kLargeDevice = "256MiB";

TEST(CudnnGraphUnderGpuswap, VariantPackTensorsAreMadeResidentOnASmallCard) {
  // The default reserve is larger than the whole emulated card.
  const PolicyFile policy(kWholeCardPolicy);
  const std::vector<std::string> argv = {GPUSWAP_CUDNN_GRAPH_PROGRAM};
  const ChildResult too_small = run_child(argv, plain_env(kSmallDevice));
  EXPECT_NE(too_small.exit_code, 0) << "its buffers must not fit the card by themselves";
  const ChildResult large = run_child(argv, plain_env(kLargeDevice));
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(lines_containing(large.out, " hash ").size(), 12u) << large.out;

  const ChildResult swapped = run_child(argv, shim_env(kSmallDevice, policy));
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  EXPECT_EQ(swapped.out, large.out);
  EXPECT_GT(evictions(swapped.err), 0) << swapped.err;
  EXPECT_TRUE(lines_containing(swapped.err, "could not be decoded").empty()) << swapped.err;
}

TEST(CudnnGraphUnderGpuswap, APackTooLargeToListPassesThroughWithOneLogLine) {
  const PolicyFile policy(kWholeCardPolicy);
  const ChildResult result =
      run_child({GPUSWAP_CUDNN_GRAPH_PROGRAM, "wide"}, shim_env(kLargeDevice, policy));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(lines_containing(result.out, "wide: results match").size(), 1u) << result.out;
  const std::vector<std::string> lines = lines_containing(result.err, "could not be decoded");
  ASSERT_EQ(lines.size(), 1u) << result.err;
  // Read from the record of the pack, which cuDNN would not have answered.
  EXPECT_NE(lines[0].find("more data pointers than gpuswap tracks"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace gpuswap::testing
