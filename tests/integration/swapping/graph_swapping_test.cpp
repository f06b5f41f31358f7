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

#include "shim_run.h"

namespace gpuswap::testing {
namespace {

TEST(GraphCopiesUnderGpuswap, MemsetAndMemcpyNodesOnEvictedBuffersMatchALargeCard) {
  const PolicyFile policy(kWholeCardPolicy);
  ASSERT_FALSE(policy.path().empty());

  // 3 graphs of 9 buffers of 3 MiB + 4 KiB (two granules each): 108 MiB of
  // regions on a 32 MiB card; one graph's 7 buffers (28 MiB) fit at a time.
  // Before the last round the kernel, memset and upload nodes of every
  // executable graph move to buffers of their own: each node's old buffers
  // must then drop out of what a launch makes resident, or the 9 would not
  // fit (the odd graphs, updated from another graph, keep both: 8 fit).
  const std::vector<std::string> argv = {GPUSWAP_GRAPH_COPY_PROGRAM, "3", "3"};
  const ChildResult small = run_child(argv, plain_env("32MiB"));
  const ChildResult large = run_child(argv, plain_env("256MiB"));
  const ChildResult swapped = run_child(argv, shim_env("32MiB", policy));

  EXPECT_NE(small.exit_code, 0) << "it must need more than the card has";
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  ASSERT_EQ(lines_containing(large.out, " download ").size(), 9u) << large.out;
  ASSERT_EQ(lines_containing(large.out, " hash ").size(), 27u) << large.out;
  EXPECT_EQ(swapped.out, large.out);
  // Every launch follows a sweep over the other graphs' buffers, so each
  // launch after the first restores what the sweep evicted.
  EXPECT_GT(evictions(swapped.err), 18) << swapped.err;
  EXPECT_TRUE(lines_containing(swapped.err, "not made resident").empty()) << swapped.err;
}

}  // namespace
}  // namespace gpuswap::testing
