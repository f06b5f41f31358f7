// Hand-written traces for the tools' tests: records are built here, written
// in the file format of docs/swap-log.md, and the expected figures are
// computed from the same records.
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpuswap/runtime/trace_event.h"
#include "trace_file.h"

namespace gpuswap::tools::testing {

struct Ev {
  runtime::TraceKind kind;
  std::uint64_t t, region, bytes, dur;
  runtime::TraceReason reason = runtime::TraceReason::none;
  std::vector<std::uint64_t> regions = {};  // op only
};

inline std::string trace_text(const std::vector<Ev>& events, bool with_end = true,
                              std::uint64_t dropped = 0) {
  std::ostringstream out;
  out << R"({"gpuswap_trace":1,"pid":4242,"start":1700000000000000000,"level":"full",)"
      << R"("device":"cudasim","device_budget":1073741824})"
      << "\n";
  std::uint64_t counts[runtime::kTraceKindCount] = {}, bytes[runtime::kTraceKindCount] = {},
                durs[runtime::kTraceKindCount] = {};
  std::uint64_t last = 0;
  for (const Ev& e : events) {
    const auto k = static_cast<std::size_t>(e.kind);
    ++counts[k];
    bytes[k] += e.bytes;
    durs[k] += e.dur;
    last = e.t;
    if (e.kind == runtime::TraceKind::op) {
      out << R"({"t":)" << e.t << R"(,"ev":"op","name":"cuLaunchKernel","stream":0,"regions":[)";
      for (std::size_t i = 0; i < e.regions.size(); ++i) out << (i ? "," : "") << e.regions[i];
      out << "]}\n";
      continue;
    }
    out << R"({"t":)" << e.t << R"(,"ev":")" << runtime::to_string(e.kind) << R"(","region":)"
        << e.region << R"(,"bytes":)" << e.bytes << R"(,"dur":)" << e.dur
        << R"(,"stream":0,"reason":")" << runtime::to_string(e.reason) << "\"}\n";
  }
  if (dropped != 0) out << R"({"t":)" << last << R"(,"ev":"dropped","count":)" << dropped << "}\n";
  if (with_end) {
    out << R"({"t":)" << last + 1 << R"(,"ev":"end","dropped":)" << dropped << R"(,"totals":{)";
    for (int i = 0; i < runtime::kTraceKindCount; ++i) {
      out << (i ? "," : "") << '"' << runtime::to_string(static_cast<runtime::TraceKind>(i))
          << R"(":{"count":)" << counts[i] << R"(,"bytes":)" << bytes[i] << R"(,"dur":)" << durs[i]
          << "}";
    }
    out << "}}\n";
  }
  return out.str();
}

inline TraceFile parse_trace_text(const std::string& text) {
  std::istringstream in(text);
  TraceReadResult r = read_trace(in, "test.jsonl");
  if (!r.ok()) throw std::runtime_error(r.error);
  return std::move(r.trace);
}

}  // namespace gpuswap::tools::testing
