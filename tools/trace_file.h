// A swap trace read back from its JSON Lines file (docs/swap-log.md).
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "gpuswap/runtime/trace_event.h"
#include "gpuswap/runtime/trace_writer.h"

namespace gpuswap::tools {

struct TraceRecord {
  runtime::TraceKind kind = runtime::TraceKind::op;
  runtime::TraceReason reason = runtime::TraceReason::none;
  std::uint64_t t = 0;
  std::uint64_t region = 0;
  std::uint64_t bytes = 0;
  std::uint64_t dur = 0;
  std::uint64_t stream = 0;
  std::string name;                    // op only
  std::vector<std::uint64_t> regions;  // op only, continuation records merged in
};

// The closing record, present when the process closed its trace.
struct TraceEnd {
  std::uint64_t t = 0;
  std::uint64_t dropped = 0;
  runtime::TraceTotals totals;
};

struct TraceFile {
  std::uint64_t pid = 0;
  std::uint64_t start = 0;  // Unix time of the trace start, nanoseconds
  std::string level;
  std::string device;
  std::uint64_t device_budget = 0;
  std::vector<TraceRecord> events;  // in file order
  std::uint64_t dropped = 0;        // sum of the "dropped" records
  std::optional<TraceEnd> end;
  // The last line was cut short (the process died while writing it); it is
  // left out.
  bool truncated = false;
};

struct TraceReadResult {
  TraceFile trace;
  std::string error;  // "<source>:<line>: <what>"; empty on success
  bool ok() const { return error.empty(); }
};

TraceReadResult read_trace(std::istream& in, const std::string& source);
TraceReadResult read_trace_file(const std::string& path);

}  // namespace gpuswap::tools
