// Names of trace kinds and reasons: the trace file's vocabulary.
#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "gpuswap/runtime/trace_event.h"

namespace gpuswap::runtime {
namespace {

TEST(TraceEvent, EveryKindAndReasonHasADistinctNameThatParsesBack) {
  std::set<std::string_view> names;
  for (int i = 0; i < kTraceKindCount; ++i) {
    const auto kind = static_cast<TraceKind>(i);
    EXPECT_TRUE(names.insert(to_string(kind)).second) << to_string(kind);
    EXPECT_EQ(parse_trace_kind(to_string(kind)), kind);
  }
  names.clear();
  for (int i = 0; i < kTraceReasonCount; ++i) {
    const auto reason = static_cast<TraceReason>(i);
    EXPECT_TRUE(names.insert(to_string(reason)).second) << to_string(reason);
    EXPECT_EQ(parse_trace_reason(to_string(reason)), reason);
  }
  EXPECT_EQ(to_string(TraceKind::sched_wait), "sched_wait");
  EXPECT_EQ(to_string(TraceReason::budget), "budget");
  EXPECT_FALSE(parse_trace_kind("evicted"));
  EXPECT_FALSE(parse_trace_reason(""));
}

}  // namespace
}  // namespace gpuswap::runtime
