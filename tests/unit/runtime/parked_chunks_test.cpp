#include "gpuswap/runtime/parked_chunks.h"

#include <gtest/gtest.h>

#include <vector>

namespace gpuswap::runtime {
namespace {

constexpr CUdeviceptr kChunk = PagePool::chunk_bytes();
constexpr CUdeviceptr kBase = CUdeviceptr{1} << 40;

TEST(ParkedChunks, ARegionAtTheSameAddressAdoptsEveryChunkInOrder) {
  ParkedChunks parked;
  std::vector<ChunkHandle> chunks = {11, 12, 13};
  parked.park(kBase, &chunks);
  EXPECT_TRUE(chunks.empty());
  EXPECT_EQ(parked.size(), 3u);

  std::vector<ChunkHandle> got;
  std::vector<bool> adopted;
  EXPECT_EQ(parked.adopt(kBase, 3, &got, &adopted), 3u);
  EXPECT_EQ(got, (std::vector<ChunkHandle>{11, 12, 13}));
  EXPECT_EQ(adopted, (std::vector<bool>{true, true, true}));
  EXPECT_EQ(parked.size(), 0u);
  EXPECT_EQ(parked.adopt(kBase, 3, &got, &adopted), 0u);  // gone once adopted
}

TEST(ParkedChunks, AnOverlappingRegionAdoptsOnlyWhatLiesUnderIt) {
  ParkedChunks parked;
  std::vector<ChunkHandle> chunks = {21, 22};
  parked.park(kBase + kChunk, &chunks);  // chunks 1 and 2 of a region at kBase
  std::vector<ChunkHandle> got;
  std::vector<bool> adopted;
  EXPECT_EQ(parked.adopt(kBase, 2, &got, &adopted), 1u);
  EXPECT_EQ(adopted, (std::vector<bool>{false, true}));
  EXPECT_EQ(got[1], 21u);
  EXPECT_EQ(parked.size(), 1u);  // chunk 2 stays parked
  EXPECT_EQ(parked.adopt(kBase + 2 * kChunk, 1, &got, &adopted), 1u);
  EXPECT_EQ(got[0], 22u);
}

TEST(ParkedChunks, TakeBackSkipsTheAvoidedRangeAndPrefersHighAddresses) {
  ParkedChunks parked;
  std::vector<ChunkHandle> low = {1, 2};
  std::vector<ChunkHandle> high = {3, 4};
  parked.park(kBase, &low);
  parked.park(kBase + 10 * kChunk, &high);

  std::vector<ParkedChunks::Parked> out;
  parked.take_back(3, kBase + 10 * kChunk, kBase + 12 * kChunk, &out);
  ASSERT_EQ(out.size(), 2u);  // only the two outside the avoided range
  EXPECT_EQ(out[0].address, kBase + kChunk);
  EXPECT_EQ(out[0].handle, 2u);
  EXPECT_EQ(out[1].address, kBase);
  EXPECT_EQ(parked.size(), 2u);

  out.clear();
  parked.take_back(1, 0, 0, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].handle, 4u);  // highest first
}

}  // namespace
}  // namespace gpuswap::runtime
