// One record of the swap trace (docs/swap-log.md). A plain, fixed-size value so
// that emitting one copies a few cache lines and never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gpuswap::runtime {

enum class TraceKind : std::uint8_t {
  evict,       // device -> host copy of a region (bytes, duration = transfer time)
  restore,     // host -> device copy of a region
  prefetch,    // a restore issued ahead of demand
  discard,     // a region dropped without a copy (freed, or fully overwritten next)
  stall,       // the caller waited for residency (duration = time blocked)
  sched_wait,  // an operation waited for the scheduler (budget, copy engine)
  alloc,       // a region was created (bytes = requested size)
  free,        // a region was freed
  oom,         // an allocation or restore failed for lack of memory
  op,          // an intercepted operation and the regions it touches (`full` only)
};
inline constexpr int kTraceKindCount = 10;

enum class TraceReason : std::uint8_t {
  none,
  demand,     // an operation needs the region now
  budget,     // making room within device_budget
  prefetch,   // predicted use
  early,      // evicted ahead of pressure
  free,       // the application freed it
  overwrite,  // the next use writes it entirely, so its contents are not needed
  sync,       // a synchronisation point
  host,       // host_budget exhausted
};
inline constexpr int kTraceReasonCount = 9;

struct TraceEvent {
  // Regions an `op` record carries inline; TraceWriter::emit_op splits longer
  // lists into continuation records.
  static constexpr std::size_t kOpRegions = 14;

  TraceKind kind = TraceKind::op;
  TraceReason reason = TraceReason::none;
  // `op` only: this record continues the previous op record of the thread.
  bool continued = false;
  std::uint8_t region_count = 0;  // `op` only: entries used in `regions`
  // Nanoseconds since the trace started (CLOCK_MONOTONIC); 0 = stamp at emit.
  std::uint64_t timestamp_ns = 0;
  std::uint64_t region = 0;  // region id; 0 = none
  std::uint64_t bytes = 0;
  std::uint64_t duration_ns = 0;
  std::uint64_t stream = 0;  // the CUstream as an integer; 0 = the default stream
  // `op` only: a static string naming the call, e.g. "cuLaunchKernel".
  const char* name = nullptr;
  std::array<std::uint64_t, kOpRegions> regions{};
};

std::string_view to_string(TraceKind kind);
std::string_view to_string(TraceReason reason);
std::optional<TraceKind> parse_trace_kind(std::string_view text);
std::optional<TraceReason> parse_trace_reason(std::string_view text);

}  // namespace gpuswap::runtime
