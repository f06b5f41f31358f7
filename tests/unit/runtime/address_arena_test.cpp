#include "gpuswap/runtime/address_arena.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gpuswap/runtime/region.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uintptr_t kBase = std::uintptr_t{0x7e00} << 32;

TEST(AddressArena, PlacesAtGranulesFirstFitAndReusesFreedRanges) {
  AddressArena arena(kBase, 8 * kGranuleBytes);
  std::uintptr_t a = 0, b = 0, c = 0, d = 0;
  ASSERT_TRUE(arena.place(1, &a).is_ok());
  ASSERT_TRUE(arena.place(3 * kGranuleBytes, &b).is_ok());
  ASSERT_TRUE(arena.place(kGranuleBytes + 1, &c).is_ok());
  EXPECT_EQ(a, kBase);
  EXPECT_EQ(b, kBase + kGranuleBytes);
  EXPECT_EQ(c, kBase + 4 * kGranuleBytes);
  EXPECT_EQ(arena.free_bytes(), 2 * kGranuleBytes);
  EXPECT_EQ(arena.place(3 * kGranuleBytes, &d).code(), StatusCode::kOutOfMemory);
  ASSERT_TRUE(arena.remove(b).is_ok());
  ASSERT_TRUE(arena.place(3 * kGranuleBytes, &d).is_ok());
  EXPECT_EQ(d, b);
}

TEST(AddressArena, PublishedRegionsAreFoundAndRemovedOnesAreNot) {
  AddressArena arena(kBase, 8 * kGranuleBytes);
  std::uintptr_t at = 0;
  ASSERT_TRUE(arena.place(5000, &at).is_ok());
  Region region(7, at, 5000, RegionState::kResident);
  ASSERT_TRUE(arena.publish(at, 5000, &region).is_ok());
  EXPECT_EQ(arena.region_at(at + 4999), &region);
  EXPECT_EQ(arena.region_at(at + 5000), nullptr);
  ASSERT_TRUE(arena.remove(at).is_ok());
  EXPECT_EQ(arena.region_at(at), nullptr);
  EXPECT_EQ(arena.remove(at).code(), StatusCode::kInvalidValue);  // double remove
  EXPECT_EQ(arena.free_bytes(), 8 * kGranuleBytes);
}

TEST(AddressArena, PublishNeedsExactlyAPlacedRange) {
  AddressArena arena(kBase, 8 * kGranuleBytes);
  std::uintptr_t at = 0;
  ASSERT_TRUE(arena.place(2 * kGranuleBytes, &at).is_ok());
  Region region(1, at, kGranuleBytes, RegionState::kResident);
  EXPECT_EQ(arena.publish(at, kGranuleBytes, &region).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(arena.publish(at, 3 * kGranuleBytes, &region).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(arena.publish(at + kGranuleBytes, kGranuleBytes, &region).code(),
            StatusCode::kInvalidValue);  // not where a range starts
  EXPECT_EQ(arena.publish(kBase + 4 * kGranuleBytes, 1, &region).code(),
            StatusCode::kInvalidValue);                                  // never placed
  EXPECT_EQ(arena.remove(at + 4096).code(), StatusCode::kInvalidValue);  // interior
  EXPECT_TRUE(arena.publish(at, 2 * kGranuleBytes - 1, &region).is_ok());
}

TEST(AddressArena, TooLargeRequestIsOutOfMemory) {
  AddressArena arena(kBase, 4 * kGranuleBytes);
  std::uintptr_t at = 0;
  EXPECT_EQ(arena.place(4 * kGranuleBytes + 1, &at).code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(arena.place(0, &at).code(), StatusCode::kInvalidValue);
}

TEST(AddressArena, SuggestedSizeIsRoundedBoundedAndMonotonic) {
  EXPECT_EQ(suggested_arena_bytes(0, 0), 32 * kGranuleBytes);
  const std::uint64_t gib = std::uint64_t{1} << 30;
  EXPECT_EQ(suggested_arena_bytes(4 * gib, 12 * gib), 32 * gib);
  EXPECT_EQ(suggested_arena_bytes(3 * kGranuleBytes / 2 * 11, 0) % kGranuleBytes, 0u);
  EXPECT_EQ(suggested_arena_bytes(~std::uint64_t{0}, ~std::uint64_t{0}), kMaxArenaBytes);
  EXPECT_LE(suggested_arena_bytes(gib, gib), suggested_arena_bytes(2 * gib, gib));
}

// Readers look regions up while writers place, publish and remove others;
// every hit must be the region that owns the address (TSan checks the rest).
TEST(AddressArena, LookupsStayCorrectWhileOtherRangesChange) {
  AddressArena arena(kBase, 64 * kGranuleBytes);
  std::uintptr_t stable_at = 0;
  ASSERT_TRUE(arena.place(4 * kGranuleBytes, &stable_at).is_ok());
  Region stable(1, stable_at, 4 * kGranuleBytes, RegionState::kResident);
  ASSERT_TRUE(arena.publish(stable_at, 4 * kGranuleBytes, &stable).is_ok());

  std::vector<std::unique_ptr<Region>> churn;
  for (int i = 0; i < 8; ++i) {
    churn.push_back(std::make_unique<Region>(100 + i, 0, kGranuleBytes, RegionState::kResident));
  }
  std::atomic<bool> stop{false};
  std::atomic<long> wrong{0};
  std::thread writer([&] {
    for (int round = 0; round < 2000; ++round) {
      Region* region = churn[static_cast<std::size_t>(round) % churn.size()].get();
      std::uintptr_t at = 0;
      if (!arena.place(kGranuleBytes, &at)) continue;
      (void)arena.publish(at, kGranuleBytes, region);
      (void)arena.remove(at);
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        for (std::uint64_t off = 0; off < 4 * kGranuleBytes; off += kGranuleBytes / 4) {
          if (arena.region_at(stable_at + off) != &stable) ++wrong;
        }
        Region* other = arena.region_at(stable_at + 4 * kGranuleBytes);
        if (other == &stable) ++wrong;
      }
    });
  }
  writer.join();
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace gpuswap::runtime
