// The launch hot path must not allocate once warm.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "allocation_counter.h"
#include "fake_layouts.h"
#include "gpuswap/runtime/param_decoder.h"
#include "gpuswap/runtime/region.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uintptr_t kBase = std::uintptr_t{0x7900} << 32;

TEST(HotPath, TheCounterSeesAllocations) {
  testing::start_counting_allocations();
  auto held = std::make_unique<std::vector<int>>(10);
  EXPECT_EQ(testing::stop_counting_allocations(), 2);
}

TEST(HotPath, DecodeAllocatesNothingOnceWarm) {
  PageMap map(kBase, 128 * kGranuleBytes);
  std::vector<std::unique_ptr<Region>> regions;
  for (int i = 0; i < 100; ++i) {
    const std::uintptr_t at = kBase + static_cast<std::uintptr_t>(i) * kGranuleBytes;
    regions.push_back(std::make_unique<Region>(i, at, kGranuleBytes, RegionState::kResident));
    ASSERT_TRUE(map.publish(at, kGranuleBytes, regions.back().get()).is_ok());
  }
  testing::TableLayoutSource source;
  int small = 0, foreach = 0;
  source.add(&small, {{0, 8}, {8, 4}, {16, 8}, {24, 8}});
  source.add(&foreach, {{0, 8 * 100}});
  ParamLayoutCache cache(source);
  ParamDecoder decoder(cache, map);

  void* a = reinterpret_cast<void*>(regions[1]->base());
  int n = 4;
  void* b = reinterpret_cast<void*>(regions[2]->base() + 64);
  void* c = reinterpret_cast<void*>(regions[3]->base());
  void* small_params[] = {&a, &n, &b, &c};
  std::vector<void*> list;
  for (int i = 0; i < 100; ++i)
    list.push_back(reinterpret_cast<void*>(regions[static_cast<std::size_t>(i)]->base()));
  void* foreach_params[] = {list.data()};

  TouchedRegions touched;
  // First calls build layouts and grow the spill storage.
  ASSERT_TRUE(
      decoder.decode(&small, FunctionKind::kFunction, small_params, nullptr, &touched).is_ok());
  ASSERT_TRUE(
      decoder.decode(&foreach, FunctionKind::kFunction, foreach_params, nullptr, &touched).is_ok());

  testing::start_counting_allocations();
  for (int i = 0; i < 100; ++i) {
    (void)decoder.decode(&small, FunctionKind::kFunction, small_params, nullptr, &touched);
    (void)decoder.decode(&foreach, FunctionKind::kFunction, foreach_params, nullptr, &touched);
  }
  EXPECT_EQ(testing::stop_counting_allocations(), 0);
  EXPECT_EQ(touched.size(), 100u);
  ASSERT_TRUE(
      decoder.decode(&small, FunctionKind::kFunction, small_params, nullptr, &touched).is_ok());
  EXPECT_EQ(touched.size(), 3u);
}

}  // namespace
}  // namespace gpuswap::runtime
