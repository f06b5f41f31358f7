#include "gpuswap/runtime/stream_set.h"

#include <gtest/gtest.h>

#include <set>

namespace gpuswap::runtime {
namespace {

CUstream stream(std::uintptr_t n) {
  return reinterpret_cast<CUstream>(n);
}

TEST(StreamSet, KeepsEachStreamOnceInlineAndSpilled) {
  StreamSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.insert(nullptr));  // the legacy default stream is a stream too
  EXPECT_FALSE(set.insert(nullptr));
  for (std::uintptr_t i = 1; i <= 9; ++i) EXPECT_TRUE(set.insert(stream(i * 16)));
  for (std::uintptr_t i = 1; i <= 9; ++i) EXPECT_FALSE(set.insert(stream(i * 16)));
  EXPECT_EQ(set.size(), 10u);
  std::set<CUstream> seen;
  set.for_each([&](CUstream s) { EXPECT_TRUE(seen.insert(s).second); });
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_TRUE(set.contains(stream(9 * 16)));
  EXPECT_FALSE(set.contains(stream(10 * 16)));
  set.clear();
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.contains(nullptr));
  EXPECT_TRUE(set.insert(stream(7 * 16)));
}

TEST(StreamSet, EraseRemovesOneStreamInlineOrSpilled) {
  StreamSet set;
  for (std::uintptr_t i = 1; i <= 7; ++i) EXPECT_TRUE(set.insert(stream(i * 16)));
  EXPECT_TRUE(set.erase(stream(2 * 16)));   // inline; a spilled one moves in
  EXPECT_TRUE(set.erase(stream(7 * 16)));   // spilled
  EXPECT_FALSE(set.erase(stream(7 * 16)));  // already gone
  EXPECT_FALSE(set.erase(stream(99 * 16)));
  EXPECT_EQ(set.size(), 5u);
  for (std::uintptr_t i : {1, 3, 4, 5, 6}) EXPECT_TRUE(set.contains(stream(i * 16))) << i;
  EXPECT_FALSE(set.contains(stream(2 * 16)));
  std::set<CUstream> seen;
  set.for_each([&](CUstream s) { EXPECT_TRUE(seen.insert(s).second); });
  EXPECT_EQ(seen.size(), 5u);
  for (std::uintptr_t i : {1, 3, 4, 5, 6}) EXPECT_TRUE(set.erase(stream(i * 16)));
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.insert(stream(2 * 16)));
}

}  // namespace
}  // namespace gpuswap::runtime
