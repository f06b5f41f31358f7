// libgpuswap.so preloaded into programs that need more device memory than
// cudasim's emulated card has: they complete, and what they compute is
// bit-identical to a run on a card large enough.
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

// The demo's card (examples/train_cnn/demo.sh) and one large enough for
// three times its batch.
constexpr const char* kSmallDevice = "32MiB";
constexpr const char* kLargeDevice = "256MiB";

std::vector<std::string> losses(const std::string& out) {
  return lines_containing(out, " loss ");
}

std::vector<std::string> trainer(std::vector<std::string> args) {
  args.insert(args.begin(), GPUSWAP_TRAIN_CNN);
  return args;
}

TEST(DemoTrainerUnderGpuswap, FittingBatchOnTheDemoCardGivesIdenticalLosses) {
  const PolicyFile policy(kWholeCardPolicy);
  const auto argv = trainer({"--batch", "32", "--steps", "3"});
  const ChildResult plain = run_child(argv, plain_env(kSmallDevice));
  const ChildResult shimmed = run_child(argv, shim_env(kSmallDevice, policy));
  ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  ASSERT_EQ(shimmed.exit_code, 0) << shimmed.out << shimmed.err;
  ASSERT_EQ(losses(plain.out).size(), 3u);
  EXPECT_EQ(losses(shimmed.out), losses(plain.out));
  EXPECT_EQ(evictions(shimmed.err), 0) << shimmed.err;  // it fits: nothing moves
  // Nothing is ever evicted, so launches on regions already in use go the
  // quiet way (no decoding at launch), and with more than half the card
  // free, most go unrecorded (docs/runtime.md): the losses above show that
  // they lose nothing.
  EXPECT_GT(quiet_launches(shimmed.err), 0) << shimmed.err;
  EXPECT_GT(unrecorded_launches(shimmed.err), quiet_launches(shimmed.err) / 2) << shimmed.err;
}

TEST(DemoTrainerUnderGpuswap, TripleBatchCompletesWithTheLossesOfALargeCard) {
  const PolicyFile policy(kWholeCardPolicy);
  const auto argv = trainer({"--batch", "96", "--steps", "3"});
  const ChildResult too_small = run_child(argv, plain_env(kSmallDevice));
  const ChildResult large = run_child(argv, plain_env(kLargeDevice));
  const ChildResult swapped = run_child(argv, shim_env(kSmallDevice, policy));
  EXPECT_NE(too_small.exit_code, 0) << "the 3x batch must not fit the demo card by itself";
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  ASSERT_EQ(losses(large.out).size(), 3u);
  EXPECT_EQ(losses(swapped.out), losses(large.out));
  EXPECT_GT(evictions(swapped.err), 0) << swapped.err;
}

TEST(DriverApiProgramUnderGpuswap, ExtraLaunchesOnThreeTimesTheCardSwapCorrectly) {
  const PolicyFile policy(kWholeCardPolicy);
  // 24 buffers of 3 MiB + 4 KiB (each two granules): 96 MiB of regions.
  const std::vector<std::string> argv = {GPUSWAP_DRIVER_SWAP_PROGRAM, "24", "3"};
  const ChildResult plain = run_child(argv, plain_env(kSmallDevice));
  EXPECT_NE(plain.exit_code, 0) << "it must need more than the card has";
  const ChildResult swapped = run_child(argv, shim_env(kSmallDevice, policy));
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  EXPECT_EQ(lines_containing(swapped.out, ": 0 differ").size(), 1u) << swapped.out;
  EXPECT_GT(evictions(swapped.err), 24) << swapped.err;
  // Address queries hold for regions wherever their contents are, and the
  // card never looks larger than it is.
  EXPECT_EQ(lines_containing(swapped.out, "address range: base, size 3149824").size(), 1u)
      << swapped.out;
  EXPECT_EQ(lines_containing(swapped.out, "of 33554432").size(), 1u) << swapped.out;
  // Bad frees and an impossible allocation are answered as CUDA answers
  // them, with a log line each.
  EXPECT_EQ(lines_containing(swapped.out, "interior free: 1").size(), 1u) << swapped.out;
  EXPECT_EQ(lines_containing(swapped.out, "double free: 1").size(), 1u) << swapped.out;
  EXPECT_EQ(lines_containing(swapped.out, "unknown free: 1").size(), 1u) << swapped.out;
  EXPECT_GE(lines_containing(swapped.err, "cuMemFree(").size(), 3u) << swapped.err;
  // 16 TiB: more than device and host budget together.
  EXPECT_EQ(lines_containing(swapped.out, "huge alloc: 2").size(), 1u) << swapped.out;
  EXPECT_EQ(lines_containing(swapped.err, "exceeds device budget + host budget").size(), 1u)
      << swapped.err;
}

// The stress program on four threads under the shim, most buffers regions
// (min_swappable lowered): it must exit cleanly with every shadow matched,
// after more than `min_evictions` evictions (on a 16 MiB card by default,
// well over five hundred).
void stress_under_shim(const std::string& extra_policy, const char* seed, ChildResult* result,
                       const char* card = "16MiB", long min_evictions = 500) {
  const PolicyFile policy("device_reserve: 0\nmin_swappable: 256KiB\n" + extra_policy);
  const std::vector<std::string> argv = {GPUSWAP_STRESS_PROGRAM, "4", "600", seed};
  *result = run_child(argv, shim_env(card, policy));
  ASSERT_EQ(result->exit_code, 0) << result->out << result->err;
  EXPECT_EQ(lines_containing(result->out, "all matched").size(), 1u) << result->out;
  EXPECT_GT(evictions(result->err), min_evictions) << result->err;
}

TEST(StressProgramUnderGpuswap, RandomOperationsOnFourThreadsMatchTheirShadows) {
  ChildResult result;
  ASSERT_NO_FATAL_FAILURE(stress_under_shim("", "8", &result));
  // Launches on resident regions took the lock-free path meanwhile, racing
  // the other threads' evictions.
  EXPECT_GT(fast_launches(result.err), 100) << result.err;
}

TEST(StressProgramUnderGpuswap, UnrecordedLaunchesBetweenEvictionsKeepEveryShadow) {
  // On a card three times larger the program runs with room to spare for
  // stretches, where launches go unrecorded (docs/runtime.md), and short in
  // between, where evictions and frees must wait for the streams those
  // launches used. (Each run here: 160 to 290 unrecorded launches and 180
  // to 210 evictions; how many depends on how the threads interleave.)
  ChildResult result;
  ASSERT_NO_FATAL_FAILURE(stress_under_shim("", "8", &result, "48MiB", 50));
  EXPECT_GT(unrecorded_launches(result.err), 50) << result.err;
}

TEST(StressProgramUnderGpuswap, EvictingAheadOnFourThreadsKeepsEveryShadow) {
  // The same with a quarter of the card kept free by evictions ahead, which
  // races copies out with the threads' use of the same regions.
  ChildResult result;
  ASSERT_NO_FATAL_FAILURE(stress_under_shim("evict_ahead: 25%\n", "9", &result));
  EXPECT_EQ(lines_containing(result.err, " ahead (").size(), 1u) << result.err;
}

TEST(DemoTrainerUnderGpuswap, TripleBatchEvictingAheadHasTheLossesOfALargeCard) {
  const PolicyFile policy(std::string(kWholeCardPolicy) + "evict_ahead: 25%\n");
  const auto argv = trainer({"--batch", "96", "--steps", "3"});
  const ChildResult large = run_child(argv, plain_env(kLargeDevice));
  const ChildResult swapped = run_child(argv, shim_env(kSmallDevice, policy));
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  ASSERT_EQ(losses(large.out).size(), 3u);
  EXPECT_EQ(losses(swapped.out), losses(large.out));
  EXPECT_GT(evictions(swapped.err), 0) << swapped.err;
}

TEST(BatchedGemmUnderGpuswap, OperandsBehindPointerArraysAreBroughtBack) {
  // The matrices are evicted by filler buffers before each batched GEMM; the
  // kernel reaches them only through the pointer arrays.
  const PolicyFile policy(kWholeCardPolicy);
  const std::vector<std::string> argv = {GPUSWAP_BATCHED_GEMM_PROGRAM};
  const ChildResult large = run_child(argv, plain_env(kLargeDevice));
  const ChildResult swapped = run_child(argv, shim_env(kSmallDevice, policy));
  ASSERT_EQ(large.exit_code, 0) << large.out << large.err;
  ASSERT_EQ(swapped.exit_code, 0) << swapped.out << swapped.err;
  ASSERT_EQ(lines_containing(large.out, " hash ").size(), 6u) << large.out;
  EXPECT_EQ(swapped.out, large.out);
  EXPECT_GT(evictions(swapped.err), 0) << swapped.err;
}

TEST(DriverApiProgramUnderGpuswap, ABadPolicyFilePassesThroughWithALogLine) {
  const PolicyFile policy("device_reserve: lots\n");
  const std::vector<std::string> argv = {GPUSWAP_DRIVER_SWAP_PROGRAM, "4", "1"};
  const ChildResult result = run_child(argv, shim_env(kSmallDevice, policy));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;  // 4 buffers fit: pass-through works
  EXPECT_EQ(lines_containing(result.err, "device_reserve").size(), 1u) << result.err;
  EXPECT_EQ(evictions(result.err), -1) << "no runtime, no summary";
}

}  // namespace
}  // namespace gpuswap::testing
