#include "gpuswap/runtime/page_pool.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "fake_driver.h"
#include "gpuswap/runtime/address_arena.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uint64_t kChunk = PagePool::chunk_bytes();

class PagePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::reset_fake_driver();
    driver_ = testing::fake_driver_table();
  }
  std::unique_ptr<PagePool> make(std::uint64_t budget) {
    std::unique_ptr<PagePool> pool;
    EXPECT_TRUE(PagePool::create(driver_, 0, budget, &pool).is_ok());
    return pool;
  }
  DriverTable driver_;
};

TEST_F(PagePoolTest, CreatesOnDemandUpToTheBudgetThenRefuses) {
  auto pool = make(5 * kChunk + kChunk / 2);  // rounds down to five chunks
  EXPECT_EQ(pool->capacity_chunks(), 5u);
  EXPECT_EQ(pool->created_chunks(), 0u);
  std::vector<ChunkHandle> a, b;
  ASSERT_TRUE(pool->take(3, &a).is_ok());
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(pool->created_chunks(), 3u);
  EXPECT_EQ(pool->take(3, &b).code(), StatusCode::kOutOfMemory);
  EXPECT_TRUE(b.empty());  // all or nothing
  EXPECT_EQ(pool->created_chunks(), 3u);
  ASSERT_TRUE(pool->take(2, &b).is_ok());
  EXPECT_EQ(pool->chunks_in_use(), 5u);
  EXPECT_EQ(testing::live_device_bytes(), 5 * kChunk);
}

TEST_F(PagePoolTest, GivenBackChunksAreReusedNotRecreated) {
  auto pool = make(4 * kChunk);
  std::vector<ChunkHandle> a, b;
  ASSERT_TRUE(pool->take(4, &a).is_ok());
  const std::set<ChunkHandle> first(a.begin(), a.end());
  pool->give_back(&a);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(pool->free_chunks(), 4u);
  ASSERT_TRUE(pool->take(4, &b).is_ok());
  EXPECT_EQ(std::set<ChunkHandle>(b.begin(), b.end()), first);
  EXPECT_EQ(testing::fake_driver().creates, 4);
}

TEST_F(PagePoolTest, ReleasesOnlyUnusedChunksToTheDevice) {
  auto pool = make(6 * kChunk);
  std::vector<ChunkHandle> kept, returned;
  ASSERT_TRUE(pool->take(2, &kept).is_ok());
  ASSERT_TRUE(pool->take(3, &returned).is_ok());
  pool->give_back(&returned);
  EXPECT_EQ(pool->release_free(2), 2u);
  EXPECT_EQ(pool->created_chunks(), 3u);
  EXPECT_EQ(pool->free_chunks(), 1u);
  EXPECT_EQ(testing::live_device_bytes(), 3 * kChunk);
  EXPECT_EQ(pool->release_free(5), 1u);  // only what is free
  EXPECT_EQ(pool->chunks_in_use(), 2u);
  EXPECT_EQ(testing::live_device_bytes(), 2 * kChunk);
  // Released chunks count no more: the budget can be created anew.
  std::vector<ChunkHandle> again;
  EXPECT_TRUE(pool->take(4, &again).is_ok());
}

TEST_F(PagePoolTest, MixesReusedAndNewChunks) {
  auto pool = make(6 * kChunk);
  std::vector<ChunkHandle> a, b;
  ASSERT_TRUE(pool->take(2, &a).is_ok());
  pool->give_back(&a);
  ASSERT_TRUE(pool->take(5, &b).is_ok());
  EXPECT_EQ(std::set<ChunkHandle>(b.begin(), b.end()).size(), 5u);
  EXPECT_EQ(testing::fake_driver().creates, 5);
  EXPECT_EQ(pool->free_chunks(), 0u);
}

TEST_F(PagePoolTest, DeviceOutOfMemoryBelowTheBudgetKeepsWhatWasMade) {
  testing::fake_driver().device_bytes = 3 * kChunk;  // someone else holds the rest
  auto pool = make(8 * kChunk);
  std::vector<ChunkHandle> a;
  EXPECT_EQ(pool->take(5, &a).code(), StatusCode::kOutOfMemory);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(pool->free_chunks(), 3u);  // made before the device ran out, kept for later
  ASSERT_TRUE(pool->take(3, &a).is_ok());
  EXPECT_EQ(testing::fake_driver().creates, 3);
}

TEST_F(PagePoolTest, MapsEachChunkAtItsOffsetWithAccessAndUnmaps) {
  auto pool = make(8 * kChunk);
  std::unique_ptr<AddressArena> arena;
  ASSERT_TRUE(AddressArena::reserve(driver_, 16 * kChunk, &arena).is_ok());
  std::uintptr_t at = 0;
  ASSERT_TRUE(arena->place(3 * kChunk, &at).is_ok());
  std::vector<ChunkHandle> chunks;
  ASSERT_TRUE(pool->take(3, &chunks).is_ok());
  ASSERT_TRUE(pool->map(at, chunks).is_ok());
  auto& fake = testing::fake_driver();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(fake.mappings.at(at + i * kChunk), chunks[i]);
    EXPECT_EQ(fake.accessible.count(at + i * kChunk), 1u);
  }
  ASSERT_TRUE(pool->unmap(at, 3).is_ok());
  EXPECT_TRUE(fake.mappings.empty());
  EXPECT_TRUE(fake.accessible.empty());
  pool->give_back(&chunks);
}

TEST_F(PagePoolTest, FailedMapLeavesNothingMapped) {
  auto pool = make(8 * kChunk);
  std::vector<ChunkHandle> chunks, other;
  ASSERT_TRUE(pool->take(3, &chunks).is_ok());
  ASSERT_TRUE(pool->take(1, &other).is_ok());
  const CUdeviceptr base = CUdeviceptr{0x7a00} << 32;
  // Something already sits where the third chunk would go.
  ASSERT_TRUE(pool->map(base + 2 * kChunk, other).is_ok());
  EXPECT_FALSE(pool->map(base, chunks).is_ok());
  auto& fake = testing::fake_driver();
  EXPECT_EQ(fake.mappings.size(), 1u);
  EXPECT_EQ(fake.mappings.count(base + 2 * kChunk), 1u);
  EXPECT_EQ(pool->map(base + 4096, chunks).code(), StatusCode::kInvalidValue);
  ASSERT_TRUE(pool->unmap(base + 2 * kChunk, 1).is_ok());
}

TEST_F(PagePoolTest, DestructionReleasesFreeChunks) {
  {
    auto pool = make(4 * kChunk);
    std::vector<ChunkHandle> chunks;
    ASSERT_TRUE(pool->take(4, &chunks).is_ok());
    pool->give_back(&chunks);
  }
  EXPECT_EQ(testing::live_device_bytes(), 0u);
}

TEST_F(PagePoolTest, RefusesAGranularityThatDoesNotDivideTheChunk) {
  testing::fake_driver().granularity = 3 << 20;
  std::unique_ptr<PagePool> pool;
  EXPECT_EQ(PagePool::create(driver_, 0, 8 * kChunk, &pool).code(), StatusCode::kNotSupported);
  DriverTable empty;
  EXPECT_EQ(PagePool::create(empty, 0, 8 * kChunk, &pool).code(), StatusCode::kNotSupported);
}

TEST_F(PagePoolTest, ArenaReservationIsFreedWithTheArena) {
  {
    std::unique_ptr<AddressArena> arena;
    ASSERT_TRUE(AddressArena::reserve(driver_, 10 * kChunk + 1, &arena).is_ok());
    EXPECT_EQ(arena->bytes(), 11 * kChunk);
    EXPECT_EQ(arena->base() % kChunk, 0u);
    EXPECT_EQ(testing::fake_driver().reservations.size(), 1u);
  }
  EXPECT_TRUE(testing::fake_driver().reservations.empty());
}

}  // namespace
}  // namespace gpuswap::runtime
