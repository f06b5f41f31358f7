#include "gpuswap/runtime/launch_reporter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace gpuswap::runtime {
namespace {

using namespace std::chrono_literals;

// Waits (up to 10 s) for `done`.
template <typename Done>
bool eventually(const Done& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(LaunchReporter, ReplaysWhenNudgedAndOnlyThen) {
  std::atomic<int> replays{0};
  LaunchReporter reporter([&] { ++replays; });
  ASSERT_TRUE(reporter.start());
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(replays.load(), 0);
  reporter.nudge();
  ASSERT_TRUE(eventually([&] { return replays.load() == 1; }));
  reporter.nudge();
  ASSERT_TRUE(eventually([&] { return replays.load() == 2; }));
  reporter.stop();
  reporter.nudge();  // nobody listens any more: nothing happens, nothing blocks
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(replays.load(), 2);
  reporter.stop();  // stopping twice is harmless
}

TEST(LaunchReporter, NudgesWhileAReplayRunsAreNotLost) {
  std::atomic<bool> in_replay{false};
  std::atomic<bool> finish{false};
  std::atomic<int> replays{0};
  LaunchReporter reporter([&] {
    in_replay.store(true);
    while (!finish.load()) std::this_thread::yield();
    ++replays;
  });
  ASSERT_TRUE(reporter.start());
  reporter.nudge();
  ASSERT_TRUE(eventually([&] { return in_replay.load(); }));
  reporter.nudge();  // records logged during the replay want one more
  finish.store(true);
  ASSERT_TRUE(eventually([&] { return replays.load() == 2; }));
}

// The thread carries a name, so that a user listing the job's threads
// (top -H, /proc/PID/task) sees whose it is.
TEST(LaunchReporter, ItsThreadIsNamed) {
  LaunchReporter reporter([] {});
  ASSERT_TRUE(reporter.start());
  const auto named = [] {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      if (std::getline(comm, name) && name == "gpuswap-report") return true;
    }
    return false;
  };
  EXPECT_TRUE(eventually(named));
  reporter.stop();
  EXPECT_FALSE(named());
}

}  // namespace
}  // namespace gpuswap::runtime
