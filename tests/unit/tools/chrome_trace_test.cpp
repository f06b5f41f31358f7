#include "chrome_trace.h"

#include <gtest/gtest.h>

#include <map>

#include "json_value.h"
#include "trace_test_support.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;
using runtime::TraceReason;
using testing::Ev;

TEST(ChromeTrace, TransfersBecomeDurationEventsOnTheirTracksWithResidentBytes) {
  const std::vector<Ev> events = {
      {TraceKind::alloc, 1000, 1, 4096, 0},
      {TraceKind::alloc, 2000, 2, 8192, 0},
      {TraceKind::evict, 3000, 1, 4096, 1500, TraceReason::budget},
      {TraceKind::restore, 9000, 1, 4096, 2500, TraceReason::demand},
      {TraceKind::prefetch, 12000, 2, 8192, 700, TraceReason::prefetch},  // already resident
      {TraceKind::stall, 9000, 1, 0, 2600, TraceReason::demand},
      {TraceKind::op, 12500, 0, 0, 0, TraceReason::none, {1, 2}},
      {TraceKind::free, 20000, 2, 8192, 0, TraceReason::free},
  };
  const TraceFile trace = testing::parse_trace_text(testing::trace_text(events));
  const JsonParseResult parsed = parse_json(to_chrome_trace(trace));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  const JsonValue* list = parsed.value.find("traceEvents");
  ASSERT_NE(list, nullptr);

  std::map<std::uint64_t, std::string> track_names;
  std::vector<const JsonValue*> durations, instants, counters;
  for (const JsonValue& e : list->as_array()) {
    const std::string& ph = e.find("ph")->as_string();
    EXPECT_EQ(e.find("pid")->as_integer(), 4242u);
    if (ph == "M" && e.find("name")->as_string() == "thread_name") {
      track_names[e.find("tid")->as_integer()] = e.find("args")->find("name")->as_string();
    } else if (ph == "X") {
      durations.push_back(&e);
    } else if (ph == "i") {
      instants.push_back(&e);
    } else if (ph == "C") {
      counters.push_back(&e);
    }
  }
  auto track = [&](const JsonValue* e) { return track_names[e->find("tid")->as_integer()]; };

  ASSERT_EQ(durations.size(), 4u);  // evict, restore, prefetch, stall
  EXPECT_EQ(track(durations[0]), "evict");
  EXPECT_EQ(durations[0]->find("name")->as_string(), "evict r1");
  EXPECT_DOUBLE_EQ(durations[0]->find("ts")->as_number(), 3.0);  // microseconds
  EXPECT_DOUBLE_EQ(durations[0]->find("dur")->as_number(), 1.5);
  EXPECT_EQ(durations[0]->find("args")->find("bytes")->as_integer(), 4096u);
  EXPECT_EQ(durations[0]->find("args")->find("reason")->as_string(), "budget");
  EXPECT_EQ(track(durations[1]), "restore");
  EXPECT_EQ(track(durations[2]), "restore");
  EXPECT_EQ(durations[2]->find("name")->as_string(), "prefetch r2");
  EXPECT_EQ(track(durations[3]), "stall");
  EXPECT_DOUBLE_EQ(durations[3]->find("dur")->as_number(), 2.6);

  ASSERT_EQ(instants.size(), 4u);  // two allocs, the op, the free
  bool saw_op = false;
  for (const JsonValue* e : instants) {
    if (track(e) != "ops") continue;
    saw_op = true;
    EXPECT_EQ(e->find("name")->as_string(), "cuLaunchKernel");
    EXPECT_EQ(e->find("args")->find("regions")->as_array().size(), 2u);
  }
  EXPECT_TRUE(saw_op);

  // alloc 1 (4096), alloc 2 (12288), evict 1 done at 4.5us (8192), restore 1
  // (12288), prefetch of a resident region (no change), free 2 (4096).
  const std::vector<std::pair<double, std::uint64_t>> expected = {
      {1.0, 4096}, {2.0, 12288}, {4.5, 8192}, {9.0, 12288}, {20.0, 4096}};
  ASSERT_EQ(counters.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(counters[i]->find("name")->as_string(), "resident bytes");
    EXPECT_DOUBLE_EQ(counters[i]->find("ts")->as_number(), expected[i].first) << i;
    EXPECT_EQ(counters[i]->find("args")->find("bytes")->as_integer(), expected[i].second) << i;
  }
}

TEST(ChromeTrace, NoCounterWithoutAllocations) {
  const std::vector<Ev> events = {{TraceKind::evict, 3000, 1, 4096, 1500, TraceReason::budget}};
  const JsonParseResult parsed =
      parse_json(to_chrome_trace(testing::parse_trace_text(testing::trace_text(events))));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  for (const JsonValue& e : parsed.value.find("traceEvents")->as_array()) {
    EXPECT_NE(e.find("ph")->as_string(), "C");
  }
}

}  // namespace
}  // namespace gpuswap::tools
