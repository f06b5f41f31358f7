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

TEST(BatchCopiesUnderGpuswap, BatchesOnEvictedBuffersMatchALargeCardAndLoseNothing) {
  char name[] = "/tmp/gpuswap-batch-swapping-XXXXXX";
  const int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::string policy = name;
  std::ofstream(policy) << "device_reserve: 0\n";  // the card is far smaller than the reserve

  // 16 buffers of 3 MiB + 4 KiB (two granules each): 64 MiB of regions on a
  // 32 MiB card, plus one written only by a batch copy.
  const std::vector<std::string> argv = {GPUSWAP_BATCH_COPY_PROGRAM, "16", "3"};
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
