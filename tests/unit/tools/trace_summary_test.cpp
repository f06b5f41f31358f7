#include "trace_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "json_value.h"
#include "trace_test_support.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;
using runtime::TraceReason;
using testing::Ev;

// A deterministic pseudo-random mix of every kind over 15 regions.
std::vector<Ev> mixed_events() {
  std::vector<Ev> events;
  std::uint64_t state = 12345, t = 0;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < 400; ++i) {
    const auto kind = static_cast<TraceKind>(next() % (runtime::kTraceKindCount - 1));
    t += 1 + next() % 1000;
    events.push_back(Ev{kind, t, 1 + next() % 15, (1 + next() % 64) << 16, next() % 100'000,
                        TraceReason::budget});
  }
  return events;
}

TEST(TraceSummary, TotalsBandwidthAndHottestRegionsMatchTheRecords) {
  const std::vector<Ev> events = mixed_events();
  std::uint64_t evictions = 0, evict_bytes = 0, evict_ns = 0, restores = 0, restore_bytes = 0,
                restore_ns = 0, prefetches = 0, discards = 0, stall_ns = 0, stalls = 0, ooms = 0;
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> per_region;
  for (const Ev& e : events) {
    switch (e.kind) {
      case TraceKind::evict:
        ++evictions;
        evict_bytes += e.bytes;
        evict_ns += e.dur;
        ++per_region[e.region].first;
        per_region[e.region].second += e.bytes;
        break;
      case TraceKind::prefetch:
        ++prefetches;
        [[fallthrough]];
      case TraceKind::restore:
        ++restores;
        restore_bytes += e.bytes;
        restore_ns += e.dur;
        break;
      case TraceKind::discard:
        ++discards;
        break;
      case TraceKind::stall:
        ++stalls;
        stall_ns += e.dur;
        break;
      case TraceKind::oom:
        ++ooms;
        break;
      default:
        break;
    }
  }
  ASSERT_GT(evictions, 10u);
  ASSERT_GT(prefetches, 0u);

  for (const bool with_end : {true, false}) {
    SCOPED_TRACE(with_end);
    const TraceFile trace = testing::parse_trace_text(testing::trace_text(events, with_end, 3));
    const TraceSummary s = summarize(trace);
    EXPECT_EQ(s.complete, with_end);
    EXPECT_EQ(s.evictions, evictions);
    EXPECT_EQ(s.evict_bytes, evict_bytes);
    EXPECT_EQ(s.evict_ns, evict_ns);
    EXPECT_EQ(s.restores, restores);
    EXPECT_EQ(s.restore_bytes, restore_bytes);
    EXPECT_EQ(s.restore_ns, restore_ns);
    EXPECT_EQ(s.prefetches, prefetches);
    EXPECT_EQ(s.discards, discards);
    EXPECT_EQ(s.stalls, stalls);
    EXPECT_EQ(s.stall_ns, stall_ns);
    EXPECT_EQ(s.ooms, ooms);
    EXPECT_EQ(s.dropped, 3u);
    ASSERT_TRUE(s.evict_bandwidth.has_value());
    EXPECT_DOUBLE_EQ(*s.evict_bandwidth,
                     static_cast<double>(evict_bytes) * 1e9 / static_cast<double>(evict_ns));
    EXPECT_DOUBLE_EQ(*s.restore_bandwidth,
                     static_cast<double>(restore_bytes) * 1e9 / static_cast<double>(restore_ns));

    std::vector<RegionEvictions> expected;
    for (const auto& [region, v] : per_region) expected.push_back({region, v.first, v.second});
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
      return a.evictions != b.evictions ? a.evictions > b.evictions
             : a.bytes != b.bytes       ? a.bytes > b.bytes
                                        : a.region < b.region;
    });
    expected.resize(std::min<std::size_t>(expected.size(), 10));
    ASSERT_EQ(s.hottest.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(s.hottest[i].region, expected[i].region) << i;
      EXPECT_EQ(s.hottest[i].evictions, expected[i].evictions) << i;
      EXPECT_EQ(s.hottest[i].bytes, expected[i].bytes) << i;
    }
  }
}

TEST(TraceSummary, EndRecordTotalsCountDroppedEvents) {
  const std::vector<Ev> all = {{TraceKind::evict, 10, 1, 100, 10},
                               {TraceKind::evict, 20, 2, 300, 30},
                               {TraceKind::restore, 30, 1, 100, 20}};
  // The file holds only the first event; the end record knows all three.
  std::string text = testing::trace_text(all, true, 2);
  const std::size_t second = text.find("{\"t\":20,");
  const std::size_t after_third = text.find("{\"t\":30,");
  text.erase(second, text.find('\n', after_third) + 1 - second);
  const TraceSummary s = summarize(testing::parse_trace_text(text));
  EXPECT_TRUE(s.totals_from_end);
  EXPECT_EQ(s.evictions, 2u);
  EXPECT_EQ(s.evict_bytes, 400u);
  EXPECT_EQ(s.restore_bytes, 100u);
  EXPECT_EQ(s.dropped, 2u);
  ASSERT_EQ(s.hottest.size(), 1u);  // per-region figures only from what was written
  EXPECT_EQ(s.hottest[0].region, 1u);
}

TEST(TraceSummary, PrefetchHitRate) {
  const std::vector<Ev> events = {
      {TraceKind::prefetch, 1, 1, 10, 1},
      {TraceKind::prefetch, 2, 2, 10, 1},
      {TraceKind::prefetch, 3, 3, 10, 1},
      {TraceKind::prefetch, 4, 4, 10, 1},
      {TraceKind::op, 5, 0, 0, 0, TraceReason::none, {7, 1}},  // uses 1: hit
      {TraceKind::evict, 6, 2, 10, 1},                         // 2 left unused: miss
      {TraceKind::stall, 7, 3, 0, 5},                          // 3 waited for: hit
                                                               // 4: never resolved, not counted
  };
  const TraceSummary s = summarize(testing::parse_trace_text(testing::trace_text(events)));
  EXPECT_EQ(s.prefetch_hits, 2u);
  EXPECT_EQ(s.prefetch_misses, 1u);
  ASSERT_TRUE(s.prefetch_hit_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.prefetch_hit_rate, 2.0 / 3.0);
  EXPECT_NE(format_summary_table(s, TraceFile{}, "x").find("66.7% (2 of 3)"), std::string::npos);
}

TEST(TraceSummary, NoPrefetchesAndNoTransferTimeReadAsNotAvailable) {
  const std::vector<Ev> events = {{TraceKind::alloc, 1, 1, 10, 0}, {TraceKind::oom, 2, 0, 99, 0}};
  const TraceSummary s = summarize(testing::parse_trace_text(testing::trace_text(events)));
  EXPECT_FALSE(s.prefetch_hit_rate.has_value());
  EXPECT_FALSE(s.evict_bandwidth.has_value());
  EXPECT_EQ(s.ooms, 1u);
  const std::string table = format_summary_table(s, TraceFile{}, "x");
  EXPECT_NE(table.find("prefetch hit rate      n/a"), std::string::npos) << table;
  const JsonParseResult json = parse_json(format_summary_json(s));
  ASSERT_TRUE(json.ok()) << json.error;
  EXPECT_TRUE(json.value.find("prefetch_hit_rate")->is_null());
  EXPECT_TRUE(json.value.find("evict_bandwidth")->is_null());
  EXPECT_EQ(json.value.find("ooms")->as_integer(), 1u);
}

TEST(TraceSummary, JsonCarriesTheSameFigures) {
  const std::vector<Ev> events = mixed_events();
  const TraceSummary s = summarize(testing::parse_trace_text(testing::trace_text(events)));
  const JsonParseResult json = parse_json(format_summary_json(s));
  ASSERT_TRUE(json.ok()) << json.error;
  EXPECT_EQ(json.value.find("evict_bytes")->as_integer(), s.evict_bytes);
  EXPECT_EQ(json.value.find("restore_ns")->as_integer(), s.restore_ns);
  EXPECT_EQ(json.value.find("stall_ns")->as_integer(), s.stall_ns);
  EXPECT_NEAR(json.value.find("evict_bandwidth")->as_number(), *s.evict_bandwidth,
              *s.evict_bandwidth * 1e-5);
  const JsonValue::Array& hottest = json.value.find("hottest_regions")->as_array();
  ASSERT_EQ(hottest.size(), s.hottest.size());
  EXPECT_EQ(hottest[0].find("region")->as_integer(), s.hottest[0].region);
  EXPECT_EQ(hottest[0].find("evictions")->as_integer(), s.hottest[0].evictions);
}

}  // namespace
}  // namespace gpuswap::tools
