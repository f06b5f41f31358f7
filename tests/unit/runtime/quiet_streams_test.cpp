#include "gpuswap/runtime/quiet_streams.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>

namespace gpuswap::runtime {
namespace {

CUstream stream(std::uintptr_t n) {
  return reinterpret_cast<CUstream>(n * 16);
}

std::set<CUstream> members(const QuietStreams& table) {
  std::set<CUstream> seen;
  table.for_each([&](CUstream s) { EXPECT_TRUE(seen.insert(s).second) << "listed twice"; });
  return seen;
}

TEST(QuietStreams, HoldsEachStreamOnceUpToItsCapacity) {
  QuietStreams table;
  EXPECT_FALSE(table.contains(nullptr));
  EXPECT_TRUE(table.add(nullptr));  // the legacy default stream is a stream too
  EXPECT_TRUE(table.add(nullptr));
  EXPECT_EQ(table.size(), 1u);
  for (std::uintptr_t i = 1; i < QuietStreams::kCapacity; ++i) EXPECT_TRUE(table.add(stream(i)));
  EXPECT_EQ(table.size(), QuietStreams::kCapacity);
  EXPECT_FALSE(table.add(stream(99)));  // full: its launches stay recorded
  EXPECT_FALSE(table.contains(stream(99)));
  EXPECT_TRUE(table.add(stream(3)));  // present already
  EXPECT_TRUE(table.contains(nullptr));
  EXPECT_TRUE(table.contains(stream(QuietStreams::kCapacity - 1)));
  EXPECT_EQ(members(table).size(), QuietStreams::kCapacity);
}

// The per-thread default stream is another stream in every thread: no one
// thread can wait for it, so it never joins.
TEST(QuietStreams, RefusesThePerThreadDefaultStream) {
  QuietStreams table;
  EXPECT_FALSE(table.add(CU_STREAM_PER_THREAD));
  EXPECT_FALSE(table.contains(CU_STREAM_PER_THREAD));
  EXPECT_EQ(table.size(), 0u);
}

TEST(QuietStreams, EraseMovesTheLastStreamIntoTheHole) {
  QuietStreams table;
  for (std::uintptr_t i = 1; i <= 4; ++i) ASSERT_TRUE(table.add(stream(i)));
  EXPECT_TRUE(table.erase(stream(2)));
  EXPECT_FALSE(table.erase(stream(2)));
  EXPECT_FALSE(table.contains(stream(2)));
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(1), stream(3), stream(4)}));
  EXPECT_TRUE(table.erase(stream(4)));  // the last one
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(1), stream(3)}));
  EXPECT_TRUE(table.add(stream(5)));  // room again
  EXPECT_EQ(table.size(), 3u);
}

// A destroyed stream's successor (a runtime stream that waits for its work)
// takes its place, or merely replaces it when already there.
TEST(QuietStreams, ASuccessorTakesADestroyedStreamsPlace) {
  QuietStreams table;
  ASSERT_TRUE(table.add(stream(1)));
  ASSERT_TRUE(table.add(stream(2)));
  EXPECT_FALSE(table.replace(stream(7), stream(9)));  // not there: nothing changes
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(1), stream(2)}));
  EXPECT_TRUE(table.replace(stream(1), stream(9)));
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(9), stream(2)}));
  EXPECT_TRUE(table.replace(stream(2), stream(9)));
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(9)}));
}

// Readers take no lock while the owner adds and erases: a reader may miss
// a stream being moved, but never finds one that was never added.
TEST(QuietStreams, ReadersNeverSeeAStreamThatWasNotAdded) {
  QuietStreams table;
  ASSERT_TRUE(table.add(stream(1)));
  std::atomic<bool> stop{false};
  std::atomic<long> strangers{0};
  std::thread reader([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (table.contains(stream(1000))) ++strangers;
      table.for_each([&](CUstream s) {
        if (s == nullptr || reinterpret_cast<std::uintptr_t>(s) > 16 * 8) ++strangers;
      });
    }
  });
  for (int round = 0; round < 20000; ++round) {
    for (std::uintptr_t i = 2; i <= 8; ++i) (void)table.add(stream(i));
    for (std::uintptr_t i = 2; i <= 8; ++i) (void)table.erase(stream(i));
  }
  stop = true;
  reader.join();
  EXPECT_EQ(strangers.load(), 0);
  EXPECT_EQ(members(table), (std::set<CUstream>{stream(1)}));
}

}  // namespace
}  // namespace gpuswap::runtime
