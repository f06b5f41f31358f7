// The demo trainer's caching-allocator mode (PyTorch's way of allocating: a
// few large cudaMalloc segments, tensors carved out of them) under the shim.
// Residency is per allocation, so gpuswap sees segments, not tensors: a
// segment moves whole, and the segments one call touches must fit the budget
// together (docs/runtime.md, "Caching allocators"). At batch 96 the trainer
// holds 2 x 2 MiB + 3 x 20 MiB segments, and its largest call
// (cudnnActivationBackward of the first block) touches three 20 MiB segments.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "child_process.h"

namespace gpuswap::testing {
namespace {

constexpr long kMiB = 1L << 20;
// The largest working set of one call at batch 96: three 20 MiB segments.
constexpr long kLargestCall = 3 * 20 * kMiB;

// Exactly that: the smallest card on which batch 96 runs under the shim. It
// is smaller than the 64 MiB the trainer reserves, so without the shim the
// last segment's cudaMalloc fails.
constexpr const char* kSmallestCard = "60MiB";
constexpr const char* kJustTooSmallCard = "59MiB";
constexpr const char* kDemoCard = "32MiB";  // examples/train_cnn/demo.sh
constexpr const char* kLargeCard = "256MiB";

std::vector<std::string> trainer_at_triple_batch() {
  return {GPUSWAP_TRAIN_CNN, "--batch", "96", "--steps", "2", "--caching-allocator"};
}

std::map<std::string, std::string> plain_env(const char* card) {
  return {{"LD_LIBRARY_PATH", CUDASIM_LIB_DIR}, {"CUDASIM_DEVICE_MEMORY", card}};
}

// The policy file sets device_reserve: 0; the default reserve would take an
// eighth of these small cards.
std::map<std::string, std::string> shim_env(const char* card) {
  std::map<std::string, std::string> env = plain_env(card);
  env["LD_PRELOAD"] = GPUSWAP_TEST_PRELOAD;
  env["GPUSWAP_CONFIG"] = GPUSWAP_NO_RESERVE_POLICY;
  return env;
}

std::vector<std::string> losses(const std::string& out) {
  return lines_containing(out, " loss ");
}

// The number before `label` in the exit summary ("swapped: 9 evictions (...)").
long summary_count(const std::string& err, const std::string& label) {
  for (const std::string& line : lines_containing(err, "swapped: ")) {
    const std::size_t at = line.find(label);
    if (at == std::string::npos) return -1;
    const std::size_t start = line.rfind(' ', at - 2);
    return std::strtol(line.c_str() + start + 1, nullptr, 10);
  }
  return -1;
}

// The `bytes` of every trace record of kind `ev`.
std::vector<long> trace_bytes(const std::string& path, const std::string& ev) {
  std::vector<long> bytes;
  std::ifstream in(path);
  const std::string kind = "\"ev\":\"" + ev + "\"";
  for (std::string line; std::getline(in, line);) {
    if (line.find(kind) == std::string::npos) continue;
    const std::size_t at = line.find("\"bytes\":");
    if (at != std::string::npos) bytes.push_back(std::strtol(line.c_str() + at + 8, nullptr, 10));
  }
  return bytes;
}

TEST(CachingAllocatorUnderGpuswap, TripleBatchSwapsWholeSegmentsWithTheLossesOfALargeCard) {
  const auto argv = trainer_at_triple_batch();
  const ChildResult alone = run_child(argv, plain_env(kSmallestCard));
  const ChildResult large = run_child(argv, plain_env(kLargeCard));
  const std::string trace = std::string(GPUSWAP_TEST_OUTPUT_DIR) + "/caching_allocator.trace";
  std::remove(trace.c_str());
  std::map<std::string, std::string> env = shim_env(kSmallestCard);
  env["GPUSWAP_LOG"] = "info";  // the exit summary
  env["GPUSWAP_TRACE"] = trace;
  const ChildResult swapped = run_child(argv, env);

  EXPECT_EQ(alone.exit_code, 1) << "64 MiB of segments must not fit a 60 MiB card alone";
  EXPECT_EQ(lines_containing(alone.err, "out of device memory at cudaMalloc").size(), 1u)
      << alone.err;
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(losses(large.out).size(), 2u) << large.out;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  EXPECT_EQ(losses(swapped.out), losses(large.out));
  EXPECT_GT(summary_count(swapped.err, "evictions"), 0) << swapped.err;
  EXPECT_GT(summary_count(swapped.err, "restores"), 0) << swapped.err;
  EXPECT_EQ(summary_count(swapped.err, "refused"), 0) << swapped.err;

  // Segments move whole: each copy is one segment's size, however small the
  // tensor in it that a call needed.
  const std::vector<long> evicted = trace_bytes(trace, "evict");
  const std::vector<long> restored = trace_bytes(trace, "restore");
  EXPECT_FALSE(evicted.empty());
  EXPECT_FALSE(restored.empty());
  int whole_medium_segments = 0;
  for (const std::vector<long>* copies : {&evicted, &restored}) {
    for (const long bytes : *copies) {
      EXPECT_TRUE(bytes == 2 * kMiB || bytes == 20 * kMiB) << bytes;
      whole_medium_segments += bytes == 20 * kMiB ? 1 : 0;
    }
  }
  EXPECT_GT(whole_medium_segments, 0);
  std::remove(trace.c_str());
}

// What happens when one call's segments exceed the budget: the call fails as
// CUDA reports it, the program ends cleanly, and gpuswap says why in one line.
void expect_one_call_out_of_memory(const ChildResult& run, long touched, long budget) {
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // the trainer's CUDA-failure status
  EXPECT_TRUE(losses(run.out).empty()) << run.out;
  const std::vector<std::string> logged = lines_containing(run.err, "gpuswap[");
  ASSERT_EQ(logged.size(), 1u) << run.err;
  EXPECT_NE(logged[0].find("out of memory: one operation touches " + std::to_string(touched) +
                           " bytes of regions; the device budget is " + std::to_string(budget) +
                           " bytes"),
            std::string::npos)
      << logged[0];
}

TEST(CachingAllocatorUnderGpuswap, ACardBelowTheLargestCallsSegmentsIsOutOfMemory) {
  // 59 MiB: 1 MiB short of the three segments of cudnnActivationBackward.
  const ChildResult run = run_child(trainer_at_triple_batch(), shim_env(kJustTooSmallCard));
  expect_one_call_out_of_memory(run, kLargestCall, 59 * kMiB);
  // cuDNN's device-memory status, which the trainer reports as out of memory.
  EXPECT_EQ(
      lines_containing(run.err, "train_cnn: out of device memory at cudnnActivationBackward (")
          .size(),
      1u)
      << run.err;
}

TEST(CachingAllocatorUnderGpuswap, OnTheDemoCardACudnnCallOverTheBudgetFailsCleanly) {
  // The first call beyond 32 MiB: the first activation reads one 20 MiB
  // segment and writes another. cuDNN answers with its device-memory status.
  const ChildResult run = run_child(trainer_at_triple_batch(), shim_env(kDemoCard));
  expect_one_call_out_of_memory(run, 2 * 20 * kMiB, 32 * kMiB);
  const std::vector<std::string> failed =
      lines_containing(run.err, "train_cnn: out of device memory at cudnnActivationForward (");
  ASSERT_EQ(failed.size(), 1u) << run.err;
  EXPECT_NE(
      failed[0].find("step 0, batch 96): CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED"),
      std::string::npos)
      << failed[0];
}

TEST(CachingAllocatorUnderGpuswap, ARuntimeCallOverTheBudgetIsCudaErrorMemoryAllocation) {
  // On a 16 MiB card the first upload of images, into a 20 MiB segment,
  // cannot be made resident: cudaMemcpyAsync reports cudaErrorMemoryAllocation,
  // the runtime's name for the driver's CUDA_ERROR_OUT_OF_MEMORY.
  const ChildResult run = run_child(trainer_at_triple_batch(), shim_env("16MiB"));
  expect_one_call_out_of_memory(run, 20 * kMiB, 16 * kMiB);
  EXPECT_EQ(lines_containing(run.err, "train_cnn: out of device memory at cudaMemcpyAsync").size(),
            1u)
      << run.err;
  EXPECT_EQ(lines_containing(run.err, "batch 96): cudaErrorMemoryAllocation").size(), 1u)
      << run.err;
}

}  // namespace
}  // namespace gpuswap::testing
