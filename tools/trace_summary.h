// What `gpuswap log summary` reports about a trace (docs/swap-log.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trace_file.h"

namespace gpuswap::tools {

struct RegionEvictions {
  std::uint64_t region = 0;
  std::uint64_t evictions = 0;
  std::uint64_t bytes = 0;
};

struct TraceSummary {
  // Device -> host: evictions. Host -> device: restores and prefetches.
  std::uint64_t evictions = 0, evict_bytes = 0, evict_ns = 0;
  std::uint64_t restores = 0, restore_bytes = 0, restore_ns = 0;  // prefetches included
  std::uint64_t prefetches = 0, prefetch_bytes = 0;
  std::uint64_t discards = 0, discard_bytes = 0;
  std::uint64_t stalls = 0, stall_ns = 0;
  std::uint64_t sched_waits = 0, sched_wait_ns = 0;
  std::uint64_t allocs = 0, frees = 0, ooms = 0, ops = 0;
  std::uint64_t dropped = 0;
  // Bytes per second over the summed transfer time; empty without transfer time.
  std::optional<double> evict_bandwidth, restore_bandwidth;
  // Prefetches whose region was used before it left the device; empty when no
  // prefetch was resolved either way.
  std::uint64_t prefetch_hits = 0, prefetch_misses = 0;
  std::optional<double> prefetch_hit_rate;
  // Most evicted first, at most kHottest.
  static constexpr std::size_t kHottest = 10;
  std::vector<RegionEvictions> hottest;
  std::uint64_t span_ns = 0;  // last timestamp seen
  bool complete = false;      // the trace has its end record
  bool truncated = false;
  // Totals from the end record (exact), else from the events.
  bool totals_from_end = false;
};

TraceSummary summarize(const TraceFile& trace);

std::string format_summary_table(const TraceSummary& summary, const TraceFile& trace,
                                 const std::string& source);
std::string format_summary_json(const TraceSummary& summary);

}  // namespace gpuswap::tools
