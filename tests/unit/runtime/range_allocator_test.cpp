#include "gpuswap/runtime/range_allocator.h"

#include <gtest/gtest.h>

#include <vector>

namespace gpuswap::runtime {
namespace {

std::uint64_t take(RangeAllocator& ranges, std::uint64_t count) {
  std::uint64_t start = ~std::uint64_t{0};
  EXPECT_TRUE(ranges.allocate(count, &start).is_ok()) << "count " << count;
  return start;
}

TEST(RangeAllocator, FirstFitFromTheLowestAddress) {
  RangeAllocator ranges(100);
  EXPECT_EQ(take(ranges, 10), 0u);
  EXPECT_EQ(take(ranges, 5), 10u);
  EXPECT_EQ(take(ranges, 1), 15u);
  EXPECT_EQ(ranges.free_units(), 84u);
  EXPECT_EQ(ranges.allocated_size(10), 5u);
  EXPECT_EQ(ranges.allocated_size(11), 0u);
}

TEST(RangeAllocator, FreedHoleIsReusedByASmallerRequest) {
  RangeAllocator ranges(100);
  take(ranges, 10);
  const std::uint64_t hole = take(ranges, 20);
  take(ranges, 10);
  ASSERT_TRUE(ranges.free(hole).is_ok());
  EXPECT_EQ(take(ranges, 15), hole);  // first fit: the hole, not the tail
  EXPECT_EQ(take(ranges, 5), hole + 15);
  EXPECT_EQ(take(ranges, 6), 40u);  // the hole is full now
}

TEST(RangeAllocator, FragmentationRefusesWhatOnlyTheTotalCouldHold) {
  RangeAllocator ranges(10);
  std::vector<std::uint64_t> starts;
  for (int i = 0; i < 10; ++i) starts.push_back(take(ranges, 1));
  for (int i = 0; i < 10; i += 2) ASSERT_TRUE(ranges.free(starts[i]).is_ok());
  EXPECT_EQ(ranges.free_units(), 5u);
  EXPECT_EQ(ranges.largest_free_range(), 1u);
  std::uint64_t start = 0;
  EXPECT_EQ(ranges.allocate(2, &start).code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(ranges.free_range_count(), 5u);
}

TEST(RangeAllocator, FreeCoalescesWithBothNeighbours) {
  RangeAllocator ranges(30);
  const std::uint64_t a = take(ranges, 10);
  const std::uint64_t b = take(ranges, 10);
  const std::uint64_t c = take(ranges, 10);
  ASSERT_TRUE(ranges.free(a).is_ok());
  ASSERT_TRUE(ranges.free(c).is_ok());
  EXPECT_EQ(ranges.free_range_count(), 2u);
  ASSERT_TRUE(ranges.free(b).is_ok());  // joins the left and the right hole
  EXPECT_EQ(ranges.free_range_count(), 1u);
  EXPECT_EQ(ranges.largest_free_range(), 30u);
  EXPECT_EQ(take(ranges, 30), 0u);
}

TEST(RangeAllocator, CoalescesInAnyFreeOrder) {
  RangeAllocator ranges(64);
  std::vector<std::uint64_t> starts;
  for (int i = 0; i < 8; ++i) starts.push_back(take(ranges, 8));
  for (int i : {3, 6, 0, 7, 1, 5, 2, 4}) ASSERT_TRUE(ranges.free(starts[i]).is_ok());
  EXPECT_EQ(ranges.free_range_count(), 1u);
  EXPECT_EQ(ranges.free_units(), 64u);
  EXPECT_EQ(ranges.allocated_range_count(), 0u);
}

TEST(RangeAllocator, ExhaustionAndRecovery) {
  RangeAllocator ranges(8);
  const std::uint64_t all = take(ranges, 8);
  std::uint64_t start = 0;
  EXPECT_EQ(ranges.allocate(1, &start).code(), StatusCode::kOutOfMemory);
  ASSERT_TRUE(ranges.free(all).is_ok());
  EXPECT_EQ(take(ranges, 8), 0u);
  EXPECT_EQ(ranges.allocate(9, &start).code(), StatusCode::kOutOfMemory);
}

TEST(RangeAllocator, RejectsBadFreesWithoutChangingAnything) {
  RangeAllocator ranges(16);
  const std::uint64_t a = take(ranges, 4);
  EXPECT_EQ(ranges.free(a + 1).code(), StatusCode::kInvalidValue);  // interior
  EXPECT_EQ(ranges.free(10).code(), StatusCode::kInvalidValue);     // never allocated
  ASSERT_TRUE(ranges.free(a).is_ok());
  EXPECT_EQ(ranges.free(a).code(), StatusCode::kInvalidValue);  // double free
  EXPECT_EQ(ranges.free_units(), 16u);
  std::uint64_t start = 0;
  EXPECT_EQ(ranges.allocate(0, &start).code(), StatusCode::kInvalidValue);
}

}  // namespace
}  // namespace gpuswap::runtime
