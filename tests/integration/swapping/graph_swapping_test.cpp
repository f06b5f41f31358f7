// CUDA graphs whose memset and memcpy nodes reach buffers that gpuswap has
// evicted: the launch brings them back first, and every byte the program
// computes is what a card large enough computes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

std::map<std::string, std::string> plain_env(const char* device_memory) {
  return {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}, {"CUDASIM_DEVICE_MEMORY", device_memory}};
}

// The evictions the exit summary reports ("swapped: N evictions ..."), or -1.
long evictions(const std::string& err) {
  for (const std::string& line : lines_containing(err, "swapped: ")) {
    return std::strtol(line.c_str() + line.find("swapped: ") + 9, nullptr, 10);
  }
  return -1;
}

TEST(GraphCopiesUnderGpuswap, MemsetAndMemcpyNodesOnEvictedBuffersMatchALargeCard) {
  char name[] = "/tmp/gpuswap-graph-swapping-XXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::string policy = name;
  std::ofstream(policy) << "device_reserve: 0\n";  // the card is far smaller than the reserve

  // 3 graphs of 6 buffers of 3 MiB + 4 KiB (two granules each): 72 MiB of
  // regions on a 32 MiB card; one graph's 24 MiB fit at a time.
  const std::vector<std::string> argv = {GPUSWAP_GRAPH_COPY_PROGRAM, "3", "3"};
  const ChildResult small = run_child(argv, plain_env("32MiB"));
  const ChildResult large = run_child(argv, plain_env("256MiB"));
  std::map<std::string, std::string> env = plain_env("32MiB");
  env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;
  env["GPUSWAP_CONFIG"] = policy;
  env["GPUSWAP_LOG"] = "info";  // the exit summary says what was swapped
  const ChildResult swapped = run_child(argv, env);
  std::remove(policy.c_str());

  EXPECT_NE(small.exit_code, 0) << "it must need more than the card has";
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  ASSERT_EQ(lines_containing(large.out, " download ").size(), 9u) << large.out;
  ASSERT_EQ(lines_containing(large.out, " hash ").size(), 18u) << large.out;
  EXPECT_EQ(swapped.out, large.out);
  // Every launch follows a sweep over the other graphs' buffers, so each
  // launch after the first restores what the sweep evicted.
  EXPECT_GT(evictions(swapped.err), 18) << swapped.err;
  EXPECT_TRUE(lines_containing(swapped.err, "not made resident").empty()) << swapped.err;
}

}  // namespace
}  // namespace gpuswap::testing
