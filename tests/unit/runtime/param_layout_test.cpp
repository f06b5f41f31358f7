#include "gpuswap/runtime/param_layout.h"

#include <gtest/gtest.h>

#include "fake_layouts.h"

namespace gpuswap::runtime {
namespace {

std::vector<std::pair<std::uint32_t, std::uint32_t>> words_of(const ParamLayout& layout) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (ScanWord word : layout.scan_words()) out.emplace_back(word.param, word.offset);
  return out;
}

TEST(ParamLayout, ScansOnlyAlignedWordsWhollyInsideOneParameter) {
  // (int, int, float*, char, double, struct{int; void*; int} at 32, size 24)
  ParamLayout layout({{0, 4}, {4, 4}, {8, 8}, {16, 1}, {24, 8}, {32, 24}});
  using W = std::pair<std::uint32_t, std::uint32_t>;
  EXPECT_EQ(words_of(layout), (std::vector<W>{{2, 0}, {4, 0}, {5, 0}, {5, 8}, {5, 16}}));
  EXPECT_EQ(layout.block_bytes(), 56u);
  EXPECT_EQ(layout.param_count(), 6u);
}

TEST(ParamLayout, UnalignedParameterStartSkipsToTheNextAlignedWord) {
  // A 4-aligned 20-byte struct at offset 4: words at block offsets 8 and 16.
  ParamLayout layout({{0, 4}, {4, 20}});
  using W = std::pair<std::uint32_t, std::uint32_t>;
  EXPECT_EQ(words_of(layout), (std::vector<W>{{1, 4}, {1, 12}}));
}

TEST(ParamLayout, KilobyteBlockIsOneWordPerEightBytes) {
  ParamLayout layout({{0, 4096}});
  EXPECT_EQ(layout.scan_words().size(), 512u);
  EXPECT_EQ(layout.scan_words().back().offset, 4088u);
}

TEST(ParamLayout, BuildAsksUntilThePastTheEndAnswer) {
  testing::TableLayoutSource source;
  int fn = 0;
  source.add(&fn, {{0, 8}, {8, 4}, {16, 8}});
  std::vector<ParamSpan> params;
  ASSERT_TRUE(build_param_layout(source, &fn, FunctionKind::kFunction, &params).is_ok());
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[2].offset, 16u);
  EXPECT_EQ(source.calls.load(), 4);
}

TEST(ParamLayout, BuildRejectsImpossibleLayoutsAndPassesErrorsOn) {
  testing::TableLayoutSource source;
  int overlapping = 0, too_big = 0, fine = 0;
  source.add(&overlapping, {{0, 8}, {4, 8}});
  source.add(&too_big, {{0, 8}, {8, kMaxParamBlockBytes}});
  source.add(&fine, {{0, 8}});
  std::vector<ParamSpan> params;
  EXPECT_EQ(build_param_layout(source, &overlapping, FunctionKind::kFunction, &params).code(),
            StatusCode::kInvalidValue);
  EXPECT_EQ(build_param_layout(source, &too_big, FunctionKind::kFunction, &params).code(),
            StatusCode::kInvalidValue);
  source.fail_next(StatusCode::kDriverError);
  EXPECT_EQ(build_param_layout(source, &fine, FunctionKind::kFunction, &params).code(),
            StatusCode::kDriverError);
  EXPECT_EQ(build_param_layout(source, nullptr, FunctionKind::kFunction, &params).code(),
            StatusCode::kInvalidValue);
}

}  // namespace
}  // namespace gpuswap::runtime
