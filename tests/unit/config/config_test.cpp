#include "gpuswap/config/config.h"

#include <gtest/gtest.h>

namespace gpuswap::config {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;

TEST(PinRule, EverySetFieldMustMatch) {
  const PinRule size_band{16 * kMiB, 32 * kMiB, std::nullopt, std::nullopt};
  EXPECT_FALSE(size_band.matches(16 * kMiB - 1, 0));
  EXPECT_TRUE(size_band.matches(16 * kMiB, 0));
  EXPECT_TRUE(size_band.matches(32 * kMiB, 99));
  EXPECT_FALSE(size_band.matches(32 * kMiB + 1, 0));

  const PinRule first_eight{std::nullopt, std::nullopt, 0, 7};
  EXPECT_TRUE(first_eight.matches(1, 0));
  EXPECT_TRUE(first_eight.matches(100 * kGiB, 7));
  EXPECT_FALSE(first_eight.matches(1, 8));

  const PinRule both{kGiB, std::nullopt, 10, std::nullopt};
  EXPECT_FALSE(both.matches(kGiB, 9));
  EXPECT_FALSE(both.matches(kGiB - 1, 10));
  EXPECT_TRUE(both.matches(kGiB, 10));
}

TEST(Config, PinnedWhenAnyRuleMatches) {
  Config config;
  EXPECT_FALSE(config.pinned(kGiB, 0));
  config.pin.push_back(PinRule{kGiB, std::nullopt, std::nullopt, std::nullopt});
  config.pin.push_back(PinRule{std::nullopt, std::nullopt, 3, 3});
  EXPECT_TRUE(config.pinned(2 * kGiB, 0));
  EXPECT_TRUE(config.pinned(kMiB, 3));
  EXPECT_FALSE(config.pinned(kMiB, 4));
}

TEST(Config, AutoBudgetIsFreeMinusReserve) {
  const Config config;  // auto, 256MiB reserve
  EXPECT_EQ(device_budget_bytes(config, 16 * kGiB, 10 * kGiB), 10 * kGiB - 256 * kMiB);
  // Less free than the reserve leaves nothing, never a wrapped-around number.
  EXPECT_EQ(device_budget_bytes(config, 16 * kGiB, 100 * kMiB), 0u);
}

TEST(Config, ExplicitBudgetIsCappedByWhatIsFree) {
  Config config;
  config.device_budget = Size::bytes(4 * kGiB);
  EXPECT_EQ(device_budget_bytes(config, 16 * kGiB, 10 * kGiB), 4 * kGiB);
  EXPECT_EQ(device_budget_bytes(config, 16 * kGiB, 3 * kGiB), 3 * kGiB - 256 * kMiB);
  config.device_budget = Size::percent(50);   // of total
  config.device_reserve = Size::percent(10);  // of total
  EXPECT_EQ(device_budget_bytes(config, 16 * kGiB, 16 * kGiB), 8 * kGiB);
  EXPECT_EQ(device_budget_bytes(config, 10 * kGiB, 5 * kGiB), 4 * kGiB);
}

TEST(Config, AutoReserveIsAQuarterGibibyteButNeverMoreThanAnEighthOfTheDevice) {
  Config config;
  EXPECT_EQ(device_reserve_bytes(config, 80 * kGiB), 256 * kMiB);
  EXPECT_EQ(device_reserve_bytes(config, 2 * kGiB), 256 * kMiB);
  EXPECT_EQ(device_reserve_bytes(config, 1 * kGiB), 128 * kMiB);
  EXPECT_EQ(device_reserve_bytes(config, 32 * kMiB), 4 * kMiB);
  // A tiny (emulated) card keeps seven eighths for the application.
  EXPECT_EQ(device_budget_bytes(config, 32 * kMiB, 32 * kMiB), 28 * kMiB);
  config.device_reserve = Size::bytes(0);
  EXPECT_EQ(device_budget_bytes(config, 32 * kMiB, 32 * kMiB), 32 * kMiB);
  config.device_reserve = Size::bytes(512 * kMiB);  // explicit: no cap
  EXPECT_EQ(device_reserve_bytes(config, 1 * kGiB), 512 * kMiB);
}

TEST(Config, LevelNamesRoundTrip) {
  for (LogLevel level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                         LogLevel::error, LogLevel::off}) {
    EXPECT_EQ(parse_log_level(to_string(level)), level);
  }
  for (TraceLevel level :
       {TraceLevel::off, TraceLevel::summary, TraceLevel::events, TraceLevel::full}) {
    EXPECT_EQ(parse_trace_level(to_string(level)), level);
  }
  EXPECT_EQ(to_string(LogLevel::warn), "warn");
  EXPECT_EQ(to_string(TraceLevel::summary), "summary");
  EXPECT_FALSE(parse_log_level("WARN").has_value());
  EXPECT_FALSE(parse_trace_level("").has_value());
  EXPECT_EQ(allowed_log_levels(), "trace, debug, info, warn, error, off");
  EXPECT_EQ(allowed_policies(), "lru");
}

}  // namespace
}  // namespace gpuswap::config
