// The demo trainer on cudasim: reproducible to the bit, learning, the same
// numbers under both allocation strategies, a clean out-of-memory failure at
// three times the batch that fits, and a usage error for a bad command line.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "program_run.h"

namespace train_cnn_test {
namespace {

// The emulated device of the demo: the default batch (32) fits, 3x does not.
const char* const kSmallDevice = TRAIN_CNN_SMALL_DEVICE;
// Large enough for every run here to fit.
const char* const kLargeDevice = "1GiB";

struct Step {
  int index;
  float loss;
  std::string bits;
};

struct Result {
  ProgramRun run;
  std::vector<Step> steps;
  double peak_tensor_mib = -1;
  long malloc_calls = -1;
};

Result train(std::vector<std::string> args, const std::string& device = kLargeDevice) {
  Result result;
  result.run = run_program(TRAIN_CNN_PATH, args, {{"CUDASIM_DEVICE_MEMORY", device}});
  static const std::regex step_line(R"(step (\d+) loss (\S+) \((0x[0-9a-f]{8})\))");
  static const std::regex peak_line(R"(peak device memory: ([0-9.]+) MiB in tensors)");
  static const std::regex calls_line(R"(allocation calls: (\d+) cudaMalloc)");
  const std::string& out = result.run.out;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), step_line);
       it != std::sregex_iterator(); ++it) {
    result.steps.push_back({std::stoi((*it)[1]), std::stof((*it)[2]), (*it)[3]});
  }
  std::smatch match;
  if (std::regex_search(out, match, peak_line)) result.peak_tensor_mib = std::stod(match[1]);
  if (std::regex_search(out, match, calls_line)) result.malloc_calls = std::stol(match[1]);
  return result;
}

std::vector<std::string> bits(const Result& result) {
  std::vector<std::string> out;
  for (const Step& step : result.steps) out.push_back(step.bits);
  return out;
}

void expect_trained(const Result& result, int steps) {
  ASSERT_TRUE(result.run.exited) << "killed by signal " << result.run.signal << "\n"
                                 << result.run.err;
  ASSERT_EQ(result.run.exit_code, 0) << result.run.err;
  ASSERT_EQ(result.steps.size(), static_cast<std::size_t>(steps)) << result.run.out;
  for (int i = 0; i < steps; ++i) EXPECT_EQ(result.steps[i].index, i);
}

TEST(TrainCnn, TwoRunsPrintBitIdenticalLosses) {
  const Result first = train({"--steps", "3"});
  const Result second = train({"--steps", "3"});
  expect_trained(first, 3);
  expect_trained(second, 3);
  EXPECT_EQ(bits(first), bits(second));
  // A different seed is different data and weights: the output is not a constant.
  const Result other_seed = train({"--steps", "3", "--seed", "7"});
  expect_trained(other_seed, 3);
  EXPECT_NE(bits(first), bits(other_seed));
}

TEST(TrainCnn, LossFallsAsItTrains) {
  const Result result = train({"--steps", "8"});
  expect_trained(result, 8);
  // Ten classes start near ln(10); the synthetic classes are learnable.
  EXPECT_NEAR(result.steps.front().loss, 2.3026f, 0.5f);
  const float early = (result.steps[0].loss + result.steps[1].loss) / 2;
  const float late = (result.steps[6].loss + result.steps[7].loss) / 2;
  EXPECT_LT(late, 0.6f * early);
}

TEST(TrainCnn, CachingAllocatorGivesTheSameLossesWithFewerMallocs) {
  const Result plain = train({"--steps", "4"});
  const Result caching = train({"--steps", "4", "--caching-allocator"});
  expect_trained(plain, 4);
  expect_trained(caching, 4);
  EXPECT_EQ(bits(plain), bits(caching));

  // The cache keeps its segments across steps: more steps, no more cudaMalloc.
  const Result caching_short = train({"--steps", "2", "--caching-allocator"});
  expect_trained(caching_short, 2);
  EXPECT_EQ(caching.malloc_calls, caching_short.malloc_calls);
  EXPECT_GT(caching.malloc_calls, 0);
  EXPECT_GT(plain.malloc_calls, 2 * caching.malloc_calls);
}

TEST(TrainCnn, ActivationsDominateSoMemoryScalesWithTheBatch) {
  const Result one = train({"--steps", "1"});
  const Result three = train({"--steps", "1", "--batch", "96"});
  expect_trained(one, 1);
  expect_trained(three, 1);
  ASSERT_GT(one.peak_tensor_mib, 0);
  EXPECT_GT(three.peak_tensor_mib, 2.7 * one.peak_tensor_mib);
}

TEST(TrainCnn, TripleBatchRunsOutOfMemoryCleanly) {
  for (const bool caching : {false, true}) {
    std::vector<std::string> fits{"--steps", "2"};
    std::vector<std::string> too_big{"--steps", "2", "--batch", "96"};
    if (caching) {
      fits.push_back("--caching-allocator");
      too_big.push_back("--caching-allocator");
    }
    expect_trained(train(fits, kSmallDevice), 2);

    const Result failed = train(too_big, kSmallDevice);
    ASSERT_TRUE(failed.run.exited) << "killed by signal " << failed.run.signal;
    EXPECT_EQ(failed.run.exit_code, 1);
    EXPECT_NE(failed.run.err.find("train_cnn: out of device memory at cudaMalloc"),
              std::string::npos)
        << failed.run.err;
    EXPECT_NE(failed.run.err.find("batch 96): cudaErrorMemoryAllocation"), std::string::npos)
        << failed.run.err;
    EXPECT_LE(failed.steps.size(), 1u);
  }
}

TEST(TrainCnn, BadCommandLineIsAUsageError) {
  const std::vector<std::vector<std::string>> bad{{"--batch", "0"},
                                                  {"--widths", "16,x"},
                                                  {"--image", "30"},
                                                  {"--bogus"},
                                                  {"--steps"},
                                                  {"--lr", "-1"},
                                                  {"--batch", "65536", "--image", "4096"}};
  for (const auto& args : bad) {
    const Result result = train(args);
    ASSERT_TRUE(result.run.exited);
    EXPECT_EQ(result.run.exit_code, 2) << args[0];
    EXPECT_NE(result.run.err.find("usage: train_cnn"), std::string::npos) << args[0];
    EXPECT_TRUE(result.steps.empty()) << args[0];
  }
  const Result help = train({"--help"});
  EXPECT_EQ(help.run.exit_code, 0);
  EXPECT_NE(help.run.out.find("--caching-allocator"), std::string::npos);
}

}  // namespace
}  // namespace train_cnn_test
