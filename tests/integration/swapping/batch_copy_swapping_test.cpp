// Batch copies (cuMemcpyBatchAsync, cuMemcpy3DBatchAsync) over buffers that
// gpuswap evicts: each batch brings back what it reads and writes first, a
// region written only by a batch copy keeps its contents through eviction, and
// every byte the program downloads is what a card large enough gives.
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

TEST(BatchCopiesUnderGpuswap, BatchesOnEvictedBuffersMatchALargeCardAndLoseNothing) {
  const PolicyFile policy(kWholeCardPolicy);
  ASSERT_FALSE(policy.path().empty());

  // 16 buffers of 3 MiB + 4 KiB (two granules each): 64 MiB of regions on a
  // 32 MiB card, plus one written only by a batch copy.
  const std::vector<std::string> argv = {GPUSWAP_BATCH_COPY_PROGRAM, "16", "3"};
  const ChildResult small = run_child(argv, plain_env("32MiB"));
  const ChildResult large = run_child(argv, plain_env("256MiB"));
  const ChildResult swapped = run_child(argv, shim_env("32MiB", policy));

  EXPECT_NE(small.exit_code, 0) << "it must need more than the card has";
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(lines_containing(large.out, "only-batch: intact").size(), 1u) << large.out;
  ASSERT_EQ(lines_containing(large.out, " download ").size(), 3u) << large.out;
  ASSERT_EQ(lines_containing(large.out, "0 differ").size(), 1u) << large.out;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  EXPECT_EQ(swapped.out, large.out);
  // Each round's kernels sweep every buffer; the batch-only buffer is pushed
  // out by two sweeps before it is read back.
  EXPECT_GT(evictions(swapped.err), 32) << swapped.err;
}

}  // namespace
}  // namespace gpuswap::testing
