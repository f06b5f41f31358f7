#include "gpuswap/runtime/param_layout_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_layouts.h"

namespace gpuswap::runtime {
namespace {

TEST(ParamLayoutCache, AsksTheSourceOncePerFunction) {
  testing::TableLayoutSource source;
  int fn = 0;
  source.add(&fn, {{0, 8}, {8, 8}});
  ParamLayoutCache cache(source);
  const ParamLayout* first = nullptr;
  const ParamLayout* again = nullptr;
  ASSERT_TRUE(cache.lookup(&fn, FunctionKind::kFunction, &first).is_ok());
  const int calls = source.calls.load();
  ASSERT_TRUE(cache.lookup(&fn, FunctionKind::kFunction, &again).is_ok());
  EXPECT_EQ(first, again);
  EXPECT_EQ(source.calls.load(), calls);
  EXPECT_EQ(first->param_count(), 2u);
}

TEST(ParamLayoutCache, FunctionAndKernelWithTheSameAddressStayApart) {
  testing::TableLayoutSource source;
  int handle = 0;
  source.add(&handle, {{0, 8}}, FunctionKind::kFunction);
  source.add(&handle, {{0, 4}, {8, 8}, {16, 8}}, FunctionKind::kKernel);
  ParamLayoutCache cache(source);
  const ParamLayout* function = nullptr;
  const ParamLayout* kernel = nullptr;
  ASSERT_TRUE(cache.lookup(&handle, FunctionKind::kFunction, &function).is_ok());
  ASSERT_TRUE(cache.lookup(&handle, FunctionKind::kKernel, &kernel).is_ok());
  EXPECT_EQ(function->param_count(), 1u);
  EXPECT_EQ(kernel->param_count(), 3u);
}

TEST(ParamLayoutCache, ErrorsAreNotCached) {
  testing::TableLayoutSource source;
  int fn = 0;
  source.add(&fn, {{0, 8}});
  ParamLayoutCache cache(source);
  const ParamLayout* layout = nullptr;
  source.fail_next(StatusCode::kDriverError);
  EXPECT_EQ(cache.lookup(&fn, FunctionKind::kFunction, &layout).code(), StatusCode::kDriverError);
  EXPECT_EQ(cache.size(), 0u);
  ASSERT_TRUE(cache.lookup(&fn, FunctionKind::kFunction, &layout).is_ok());
  EXPECT_EQ(layout->param_count(), 1u);
  EXPECT_EQ(cache.lookup(nullptr, FunctionKind::kFunction, &layout).code(),
            StatusCode::kInvalidValue);
}

TEST(ParamLayoutCache, GrowsPastItsFirstTableAndKeepsEveryEntry) {
  testing::TableLayoutSource source;
  std::vector<long> functions(1000);
  for (std::size_t i = 0; i < functions.size(); ++i) {
    std::vector<ParamSpan> params;
    for (std::uint32_t j = 0; j < i % 7 + 1; ++j) params.push_back({8 * j, 8});
    source.add(&functions[i], params);
  }
  ParamLayoutCache cache(source);
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < functions.size(); ++i) {
      const ParamLayout* layout = nullptr;
      ASSERT_TRUE(cache.lookup(&functions[i], FunctionKind::kFunction, &layout).is_ok());
      ASSERT_EQ(layout->param_count(), i % 7 + 1) << i;
    }
  }
  EXPECT_EQ(cache.size(), functions.size());
}

// Many threads look up overlapping sets of functions while the table grows:
// each function is built once and every answer is its own layout.
TEST(ParamLayoutCache, ConcurrentLookupsAgree) {
  testing::TableLayoutSource source;
  std::vector<long> functions(512);
  for (std::size_t i = 0; i < functions.size(); ++i) {
    std::vector<ParamSpan> params;
    for (std::uint32_t j = 0; j < i % 5 + 1; ++j) params.push_back({8 * j, 8});
    source.add(&functions[i], params);
  }
  ParamLayoutCache cache(source);
  std::atomic<long> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t k = 0; k < functions.size(); ++k) {
          const std::size_t i = (k * 7 + static_cast<std::size_t>(t) * 131) % functions.size();
          const ParamLayout* layout = nullptr;
          if (!cache.lookup(&functions[i], FunctionKind::kFunction, &layout) ||
              layout->param_count() != i % 5 + 1) {
            ++wrong;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.size(), functions.size());
  long expected_calls = 0;
  for (std::size_t i = 0; i < functions.size(); ++i) expected_calls += static_cast<long>(i % 5 + 2);
  EXPECT_EQ(source.calls.load(), expected_calls);  // built once each, under the write lock
}

}  // namespace
}  // namespace gpuswap::runtime
