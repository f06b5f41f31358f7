#include "gpuswap/runtime/host_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fake_driver.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

class HostPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::reset_fake_driver();
    driver_ = testing::fake_driver_table();
  }
  DriverTable driver_;
};

TEST_F(HostPoolTest, CarvesSlabsAndTheMemoryIsUsable) {
  HostPool pool(driver_, 64 * kMiB, 8 * kMiB);
  void* a = nullptr;
  void* b = nullptr;
  ASSERT_TRUE(pool.allocate(3 * kMiB, &a).is_ok());
  ASSERT_TRUE(pool.allocate(100, &b).is_ok());
  EXPECT_EQ(pool.slab_count(), 1u);
  EXPECT_EQ(pool.pinned_bytes(), 8 * kMiB);
  EXPECT_EQ(pool.used_bytes(), 3 * kMiB + HostPool::kUnitBytes);
  EXPECT_EQ(static_cast<char*>(b) - static_cast<char*>(a), static_cast<std::ptrdiff_t>(3 * kMiB));
  std::memset(a, 0xab, 3 * kMiB);  // really host memory
  std::memset(b, 0xcd, 100);
  EXPECT_EQ(static_cast<unsigned char*>(a)[3 * kMiB - 1], 0xab);
  EXPECT_EQ(testing::fake_driver().last_host_flags, unsigned{CU_MEMHOSTALLOC_PORTABLE});
}

TEST_F(HostPoolTest, FreedMemoryIsReusedWithoutPinningMore) {
  HostPool pool(driver_, 64 * kMiB, 8 * kMiB);
  void* a = nullptr;
  void* b = nullptr;
  ASSERT_TRUE(pool.allocate(4 * kMiB, &a).is_ok());
  ASSERT_TRUE(pool.allocate(4 * kMiB, &b).is_ok());
  ASSERT_TRUE(pool.free(a).is_ok());
  void* c = nullptr;
  ASSERT_TRUE(pool.allocate(2 * kMiB, &c).is_ok());
  EXPECT_EQ(c, a);
  EXPECT_EQ(testing::fake_driver().host_allocs, 1);
  ASSERT_TRUE(pool.free(b).is_ok());
  ASSERT_TRUE(pool.free(c).is_ok());
  EXPECT_EQ(pool.used_bytes(), 0u);
  void* whole = nullptr;
  ASSERT_TRUE(pool.allocate(8 * kMiB, &whole).is_ok());  // coalesced back into one range
  EXPECT_EQ(testing::fake_driver().host_allocs, 1);
}

TEST_F(HostPoolTest, LargeRequestGetsItsOwnSlab) {
  HostPool pool(driver_, 64 * kMiB, 4 * kMiB);
  void* big = nullptr;
  ASSERT_TRUE(pool.allocate(20 * kMiB, &big).is_ok());
  EXPECT_EQ(pool.pinned_bytes(), 20 * kMiB);
  void* small = nullptr;
  ASSERT_TRUE(pool.allocate(kMiB, &small).is_ok());
  EXPECT_EQ(pool.slab_count(), 2u);
}

TEST_F(HostPoolTest, BeyondTheBudgetIsOutOfMemoryAndNothingIsLost) {
  HostPool pool(driver_, 16 * kMiB, 8 * kMiB);
  void* a = nullptr;
  void* b = nullptr;
  void* c = nullptr;
  ASSERT_TRUE(pool.allocate(8 * kMiB, &a).is_ok());
  ASSERT_TRUE(pool.allocate(6 * kMiB, &b).is_ok());
  std::memset(b, 0x5a, 6 * kMiB);
  EXPECT_EQ(pool.allocate(4 * kMiB, &c).code(), StatusCode::kOutOfMemory);
  EXPECT_EQ(pool.allocate(17 * kMiB, &c).code(), StatusCode::kOutOfMemory);
  EXPECT_LE(pool.pinned_bytes(), 16 * kMiB);
  EXPECT_EQ(static_cast<unsigned char*>(b)[6 * kMiB - 1], 0x5a);
  ASSERT_TRUE(pool.allocate(2 * kMiB, &c).is_ok());  // what is left still fits
  EXPECT_EQ(pool.allocate(HostPool::kUnitBytes, &c).code(), StatusCode::kOutOfMemory);
  ASSERT_TRUE(pool.free(a).is_ok());
  EXPECT_TRUE(pool.allocate(4 * kMiB, &c).is_ok());
}

TEST_F(HostPoolTest, PinningFailureIsOutOfMemory) {
  testing::fake_driver().host_bytes = 4 * kMiB;  // the machine pins less than the budget
  HostPool pool(driver_, 64 * kMiB, 8 * kMiB);
  void* a = nullptr;
  EXPECT_EQ(pool.allocate(kMiB, &a).code(), StatusCode::kOutOfMemory);
}

TEST_F(HostPoolTest, RejectsBadFrees) {
  HostPool pool(driver_, 16 * kMiB, 8 * kMiB);
  void* a = nullptr;
  ASSERT_TRUE(pool.allocate(kMiB, &a).is_ok());
  int stack = 0;
  EXPECT_EQ(pool.free(&stack).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(pool.free(static_cast<char*>(a) + HostPool::kUnitBytes).code(),
            StatusCode::kInvalidValue);  // interior
  EXPECT_EQ(pool.free(static_cast<char*>(a) + 1).code(), StatusCode::kInvalidValue);
  EXPECT_EQ(pool.free(nullptr).code(), StatusCode::kInvalidValue);
  ASSERT_TRUE(pool.free(a).is_ok());
  EXPECT_EQ(pool.free(a).code(), StatusCode::kInvalidValue);
}

TEST_F(HostPoolTest, DestructionUnpinsEverySlab) {
  {
    HostPool pool(driver_, 64 * kMiB, 4 * kMiB);
    void* a = nullptr;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.allocate(4 * kMiB, &a).is_ok());
    EXPECT_EQ(testing::fake_driver().host.size(), 3u);
  }
  EXPECT_TRUE(testing::fake_driver().host.empty());
}

}  // namespace
}  // namespace gpuswap::runtime
