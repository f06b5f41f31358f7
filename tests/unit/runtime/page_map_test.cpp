#include "gpuswap/runtime/page_map.h"

#include <gtest/gtest.h>

#include "gpuswap/runtime/region.h"

namespace gpuswap::runtime {
namespace {

// The page map never dereferences addresses, so a made-up device range works.
constexpr std::uintptr_t kBase = std::uintptr_t{0x7f00} << 32;
constexpr std::uint64_t kArena = 16 * kGranuleBytes;

TEST(PageMap, FirstAndLastRequestedByteHitOnePastTheEndMisses) {
  PageMap map(kBase, kArena);
  const std::uintptr_t start = kBase + 2 * kGranuleBytes;
  const std::uint64_t requested = kGranuleBytes + 4096;  // two granules, second one partly
  Region region(1, start, requested, RegionState::kResident);
  ASSERT_TRUE(map.publish(start, requested, &region).is_ok());

  EXPECT_EQ(map.region_at(start), &region);
  EXPECT_EQ(map.region_at(start + requested - 1), &region);
  EXPECT_EQ(map.region_at(start + requested), nullptr);              // one past the end
  EXPECT_EQ(map.region_at(start + 2 * kGranuleBytes - 1), nullptr);  // rounding tail
  EXPECT_EQ(map.region_at(start - 1), nullptr);                      // the granule before
  EXPECT_EQ(map.region_at(start + kGranuleBytes + 8), &region);      // interior, second granule
  EXPECT_EQ(map.region_at(start + 123456), &region);
}

TEST(PageMap, WordsOutsideTheArenaMiss) {
  PageMap map(kBase, kArena);
  Region first(1, kBase, kGranuleBytes, RegionState::kResident);
  Region last(2, kBase + kArena - kGranuleBytes, kGranuleBytes, RegionState::kResident);
  ASSERT_TRUE(map.publish(kBase, kGranuleBytes, &first).is_ok());
  ASSERT_TRUE(map.publish(kBase + kArena - kGranuleBytes, kGranuleBytes, &last).is_ok());
  EXPECT_EQ(map.region_at(kBase), &first);
  EXPECT_EQ(map.region_at(kBase + kArena - 1), &last);
  EXPECT_EQ(map.region_at(kBase + kArena), nullptr);
  EXPECT_EQ(map.region_at(kBase - 1), nullptr);
  EXPECT_EQ(map.region_at(0), nullptr);
  EXPECT_EQ(map.region_at(~std::uintptr_t{0}), nullptr);
  EXPECT_EQ(map.region_at(42), nullptr);  // small integers are never pointers here
  EXPECT_FALSE(map.contains(kBase + kArena));
  EXPECT_TRUE(map.contains(kBase));
}

TEST(PageMap, AdjacentFullGranuleRegionsEachOwnTheirBytes) {
  PageMap map(kBase, kArena);
  Region a(1, kBase, 2 * kGranuleBytes, RegionState::kResident);
  Region b(2, kBase + 2 * kGranuleBytes, kGranuleBytes, RegionState::kResident);
  ASSERT_TRUE(map.publish(kBase, 2 * kGranuleBytes, &a).is_ok());
  ASSERT_TRUE(map.publish(kBase + 2 * kGranuleBytes, kGranuleBytes, &b).is_ok());
  EXPECT_EQ(map.region_at(kBase + 2 * kGranuleBytes - 1), &a);
  // a's one-past-the-end pointer is b's first byte: a genuine pointer into b.
  EXPECT_EQ(map.region_at(kBase + 2 * kGranuleBytes), &b);
}

TEST(PageMap, PartialTrailingGranuleIsOutsideTheMap) {
  PageMap map(kBase, 3 * kGranuleBytes + kGranuleBytes / 2);
  EXPECT_EQ(map.bytes(), 3 * kGranuleBytes);
  EXPECT_EQ(map.slot_count(), 3u);
  EXPECT_FALSE(map.contains(kBase + 3 * kGranuleBytes + 10));
  EXPECT_EQ(map.region_at(kBase + 3 * kGranuleBytes + 10), nullptr);
  Region region(1, kBase, kGranuleBytes, RegionState::kResident);
  EXPECT_EQ(map.publish(kBase + 2 * kGranuleBytes, kGranuleBytes + 1, &region).code(),
            StatusCode::kInvalidValue);
}

TEST(PageMap, ClearEmptiesEverySlotAndAllowsReuse) {
  PageMap map(kBase, kArena);
  Region a(1, kBase, 3 * kGranuleBytes, RegionState::kResident);
  ASSERT_TRUE(map.publish(kBase, 3 * kGranuleBytes, &a).is_ok());
  ASSERT_TRUE(map.clear(kBase, 3 * kGranuleBytes).is_ok());
  for (std::uint64_t off = 0; off < 3 * kGranuleBytes; off += kGranuleBytes / 2) {
    EXPECT_EQ(map.region_at(kBase + off), nullptr) << off;
  }
  Region b(2, kBase, 100, RegionState::kResident);
  ASSERT_TRUE(map.publish(kBase, 100, &b).is_ok());
  EXPECT_EQ(map.region_at(kBase + 99), &b);
  EXPECT_EQ(map.region_at(kBase + 100), nullptr);
  EXPECT_EQ(map.clear(kBase + kGranuleBytes, 100).code(), StatusCode::kNotFound);
}

TEST(PageMap, RejectsOverlapMisalignmentAndOverflow) {
  PageMap map(kBase, kArena);
  Region a(1, kBase, kGranuleBytes, RegionState::kResident);
  Region b(2, kBase, kGranuleBytes, RegionState::kResident);
  ASSERT_TRUE(map.publish(kBase + kGranuleBytes, 2 * kGranuleBytes, &a).is_ok());
  EXPECT_EQ(map.publish(kBase, 2 * kGranuleBytes, &b).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(map.region_at(kBase), nullptr);  // the refused publish left nothing behind
  EXPECT_EQ(map.publish(kBase + 4096, 10, &b).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(map.publish(kBase + kArena - kGranuleBytes, kGranuleBytes + 1, &b).code(),
            StatusCode::kInvalidValue);
  EXPECT_EQ(map.publish(kBase + kArena, 1, &b).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(map.publish(kBase, 0, &b).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(map.publish(kBase, 1, nullptr).code(), StatusCode::kInvalidValue);
  // Clearing a range larger than the region it starts in would wipe a neighbour.
  EXPECT_EQ(map.clear(kBase + kGranuleBytes, 3 * kGranuleBytes).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(map.region_at(kBase + kGranuleBytes), &a);
}

}  // namespace
}  // namespace gpuswap::runtime
