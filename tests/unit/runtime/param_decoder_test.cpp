#include "gpuswap/runtime/param_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "fake_layouts.h"
#include "gpuswap/runtime/region.h"

namespace gpuswap::runtime {
namespace {

constexpr std::uintptr_t kBase = std::uintptr_t{0x7c00} << 32;

// An arena of made-up addresses with `count` one-granule regions, region i at
// granule 2 * i (so the granules between them are empty).
class DecoderTest : public ::testing::Test {
 protected:
  DecoderTest() : map_(kBase, 256 * kGranuleBytes), cache_(source_), decoder_(cache_, map_) {
    for (int i = 0; i < 100; ++i) {
      const std::uintptr_t at = kBase + 2 * static_cast<std::uintptr_t>(i) * kGranuleBytes;
      regions_.push_back(std::make_unique<Region>(i, at, kGranuleBytes, RegionState::kResident));
      EXPECT_TRUE(map_.publish(at, kGranuleBytes, regions_.back().get()).is_ok());
    }
  }

  Region* region(int i) { return regions_[static_cast<std::size_t>(i)].get(); }
  void* ptr(int i, std::uintptr_t offset = 0) {
    return reinterpret_cast<void*>(region(i)->base() + offset);
  }

  std::vector<Region*> decode(const void* fn, void* const* params, void* const* extra = nullptr,
                              StatusCode expected = StatusCode::kOk) {
    TouchedRegions touched;
    const Status status = decoder_.decode(fn, FunctionKind::kFunction, params, extra, &touched);
    EXPECT_EQ(status.code(), expected) << status_name(status.code());
    std::vector<Region*> out;
    for (std::size_t i = 0; i < touched.size(); ++i) out.push_back(touched[i]);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<Region*> set(std::initializer_list<int> ids) {
    std::vector<Region*> out;
    for (int id : ids) out.push_back(region(id));
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::TableLayoutSource source_;
  PageMap map_;
  ParamLayoutCache cache_;
  ParamDecoder decoder_;
  std::vector<std::unique_ptr<Region>> regions_;
};

TEST_F(DecoderTest, MixedScalarsAndPointers) {
  // kernel(float* a, int n, float alpha, const float* b, double beta, float* c)
  int fn = 0;
  source_.add(&fn, {{0, 8}, {8, 4}, {12, 4}, {16, 8}, {24, 8}, {32, 8}});
  void* a = ptr(3);
  int n = 1000;
  float alpha = 2.0f;
  void* b = ptr(7, 4096);  // interior pointer
  double beta = 0.5;
  void* c = ptr(9, kGranuleBytes - 4);  // last float of the region
  void* params[] = {&a, &n, &alpha, &b, &beta, &c};
  EXPECT_EQ(decode(&fn, params), set({3, 7, 9}));
}

TEST_F(DecoderTest, WordsThatStraddleTwoParametersAreNotPointers) {
  // Two ints whose bytes, read as one word, would spell a region address.
  int fn = 0;
  source_.add(&fn, {{0, 4}, {4, 4}});
  const std::uintptr_t address = region(5)->base();
  std::uint32_t low = static_cast<std::uint32_t>(address);
  std::uint32_t high = static_cast<std::uint32_t>(address >> 32);
  void* params[] = {&low, &high};
  EXPECT_TRUE(decode(&fn, params).empty());
}

TEST_F(DecoderTest, PaddingBeforeAnAlignedPointer) {
  // kernel(char flag, void* p, short s, void* q): p at 8, s at 16, q at 24.
  int fn = 0;
  source_.add(&fn, {{0, 1}, {8, 8}, {16, 2}, {24, 8}});
  char flag = 1;
  void* p = ptr(1);
  short s = 3;
  void* q = ptr(2, 100);
  void* params[] = {&flag, &p, &s, &q};
  EXPECT_EQ(decode(&fn, params), set({1, 2}));
}

TEST_F(DecoderTest, ByValueStructWithEmbeddedPointers) {
  struct Batch {
    int count;
    float* inputs;
    float scale;
    float* outputs[3];
    long tag;
  };
  int fn = 0;
  source_.add(&fn, {{0, 4}, {8, static_cast<std::uint32_t>(sizeof(Batch))}});
  int n = 4;
  Batch batch{};
  batch.count = 2;
  batch.inputs = static_cast<float*>(ptr(10, 64));
  batch.scale = 1.0f;
  batch.outputs[0] = static_cast<float*>(ptr(11));
  batch.outputs[1] = static_cast<float*>(ptr(12, 8));
  batch.outputs[2] = nullptr;
  batch.tag = 42;
  void* params[] = {&n, &batch};
  EXPECT_EQ(decode(&fn, params), set({10, 11, 12}));
}

TEST_F(DecoderTest, NonPointerWordsAndNonRegionAddressesAreIgnored) {
  int fn = 0;
  source_.add(&fn, {{0, 8}, {8, 8}, {16, 8}, {24, 8}, {32, 8}});
  void* outside_below = reinterpret_cast<void*>(kBase - 8);
  void* outside_above = reinterpret_cast<void*>(kBase + 256 * kGranuleBytes);
  void* empty_gap = reinterpret_cast<void*>(region(4)->base() + kGranuleBytes);  // between regions
  long number = 12345;
  void* host = &number;
  void* params[] = {&outside_below, &outside_above, &empty_gap, &number, &host};
  EXPECT_TRUE(decode(&fn, params).empty());
}

TEST_F(DecoderTest, DuplicatesCollapseAndTheCommonCaseStaysInline) {
  int fn = 0;
  std::vector<ParamSpan> spans;
  for (std::uint32_t i = 0; i < 8; ++i) spans.push_back({8 * i, 8});
  source_.add(&fn, spans);
  void* values[] = {ptr(1), ptr(2), ptr(1, 8), ptr(3), ptr(2, 16), ptr(1, 24), ptr(3), ptr(2)};
  void* params[8];
  for (int i = 0; i < 8; ++i) params[i] = &values[i];
  TouchedRegions touched;
  ASSERT_TRUE(decoder_.decode(&fn, FunctionKind::kFunction, params, nullptr, &touched).is_ok());
  EXPECT_EQ(touched.size(), 3u);
  EXPECT_FALSE(touched.spilled());
  EXPECT_TRUE(touched.contains(region(1)));
  EXPECT_TRUE(touched.contains(region(3)));
}

TEST_F(DecoderTest, ForeachStyleKilobyteBlockFindsEveryDistinctRegion) {
  // A 4 KiB struct of 512 pointers (as foreach kernels pass tensor lists),
  // cycling through 40 regions, so more than fit inline.
  int fn = 0;
  source_.add(&fn, {{0, 4}, {8, 4096}});
  int count = 512;
  std::vector<void*> list(512);
  for (std::size_t i = 0; i < list.size(); ++i) {
    list[i] = ptr(static_cast<int>(i % 40), (i * 64) % kGranuleBytes);
  }
  void* params[] = {&count, list.data()};
  TouchedRegions touched;
  ASSERT_TRUE(decoder_.decode(&fn, FunctionKind::kFunction, params, nullptr, &touched).is_ok());
  EXPECT_EQ(touched.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(touched.contains(region(i))) << i;
  EXPECT_FALSE(touched.contains(region(40)));
  // Every entry is distinct.
  for (std::size_t i = 0; i < touched.size(); ++i) {
    for (std::size_t j = i + 1; j < touched.size(); ++j) ASSERT_NE(touched[i], touched[j]);
  }
}

TEST_F(DecoderTest, ExtraPackedBufferIsScannedWhole) {
  int fn = 0;
  source_.add(&fn, {{0, 4}, {8, 8}});  // the layout is not needed for `extra`
  alignas(8) unsigned char buffer[48] = {};
  const int n = 7;
  std::memcpy(buffer, &n, sizeof(n));
  void* p = ptr(20, 12);
  void* q = ptr(21);
  std::memcpy(buffer + 8, &p, sizeof(p));
  std::memcpy(buffer + 40, &q, sizeof(q));  // past what the layout names: still scanned
  std::size_t size = sizeof(buffer);
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, buffer, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                   CU_LAUNCH_PARAM_END};
  EXPECT_EQ(decode(&fn, nullptr, extra), set({20, 21}));

  // The size bounds the scan.
  size = 40;
  EXPECT_EQ(decode(&fn, nullptr, extra), set({20}));
}

TEST_F(DecoderTest, ExtraBufferAtAnUnalignedHostAddress) {
  int fn = 0;
  alignas(8) unsigned char storage[40] = {};
  unsigned char* buffer = storage + 1;
  void* p = ptr(30);
  std::memcpy(buffer + 16, &p, sizeof(p));
  std::size_t size = 24;
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_SIZE, &size, CU_LAUNCH_PARAM_BUFFER_POINTER, buffer,
                   CU_LAUNCH_PARAM_END};
  EXPECT_EQ(decode(&fn, nullptr, extra), set({30}));
}

TEST_F(DecoderTest, MalformedLaunchesAreInvalidValue) {
  int fn = 0;
  source_.add(&fn, {{0, 8}});
  void* p = ptr(1);
  void* params[] = {&p};
  std::size_t size = 8;
  void* extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &p, CU_LAUNCH_PARAM_BUFFER_SIZE, &size,
                   CU_LAUNCH_PARAM_END};
  decode(&fn, params, extra, StatusCode::kInvalidValue);     // both forms at once
  decode(&fn, nullptr, nullptr, StatusCode::kInvalidValue);  // parameters but no values
  void* null_param[] = {nullptr};
  decode(&fn, null_param, nullptr, StatusCode::kInvalidValue);
  void* unknown_key[] = {reinterpret_cast<void*>(0x77), &p, CU_LAUNCH_PARAM_END};
  decode(&fn, nullptr, unknown_key, StatusCode::kInvalidValue);
  void* no_size[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &p, CU_LAUNCH_PARAM_END};
  decode(&fn, nullptr, no_size, StatusCode::kInvalidValue);
  void* end_only[] = {CU_LAUNCH_PARAM_END};
  EXPECT_TRUE(decode(&fn, nullptr, end_only).empty());
}

TEST_F(DecoderTest, KernelWithoutParametersTouchesNothing) {
  int fn = 0;  // unknown to the source: it reports no parameters
  EXPECT_TRUE(decode(&fn, nullptr).empty());
}

TEST_F(DecoderTest, LayoutErrorsReachTheCaller) {
  int fn = 0;
  source_.add(&fn, {{0, 8}});
  void* p = ptr(1);
  void* params[] = {&p};
  source_.fail_next(StatusCode::kNotSupported);
  decode(&fn, params, nullptr, StatusCode::kNotSupported);
  EXPECT_EQ(decode(&fn, params), set({1}));
}

TEST_F(DecoderTest, RemovedRegionsAreNoLongerReported) {
  int fn = 0;
  source_.add(&fn, {{0, 8}, {8, 8}});
  void* p = ptr(1);
  void* q = ptr(2);
  void* params[] = {&p, &q};
  ASSERT_TRUE(map_.clear(region(1)->base(), kGranuleBytes).is_ok());
  EXPECT_EQ(decode(&fn, params), set({2}));
}

TEST(TouchedRegions, ClearKeepsNoStaleEntries) {
  std::vector<std::unique_ptr<Region>> regions;
  for (int i = 0; i < 40; ++i) {
    regions.push_back(std::make_unique<Region>(i, 0, 1, RegionState::kResident));
  }
  TouchedRegions touched;
  for (int round = 0; round < 2; ++round) {
    // Twice over, in two orders: repeats of inline and of spilled entries.
    for (auto& region : regions) touched.add(region.get());
    for (auto it = regions.rbegin(); it != regions.rend(); ++it) touched.add(it->get());
    EXPECT_EQ(touched.size(), 40u);
    EXPECT_TRUE(touched.spilled());
    for (auto& region : regions) EXPECT_TRUE(touched.contains(region.get()));
    touched.clear();
    EXPECT_TRUE(touched.empty());
    touched.add(regions[0].get());
    EXPECT_EQ(touched.size(), 1u);
    touched.clear();
  }
}

}  // namespace
}  // namespace gpuswap::runtime
