#include "trace_summary.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "json_value.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;

std::size_t index(TraceKind kind) {
  return static_cast<std::size_t>(kind);
}

std::optional<double> bandwidth(std::uint64_t bytes, std::uint64_t ns) {
  if (ns == 0) return std::nullopt;
  return static_cast<double>(bytes) * 1e9 / static_cast<double>(ns);
}

void totals_from(const runtime::TraceTotals& t, TraceSummary& s) {
  s.evictions = t.count[index(TraceKind::evict)];
  s.evict_bytes = t.bytes[index(TraceKind::evict)];
  s.evict_ns = t.duration_ns[index(TraceKind::evict)];
  s.prefetches = t.count[index(TraceKind::prefetch)];
  s.prefetch_bytes = t.bytes[index(TraceKind::prefetch)];
  s.restores = t.count[index(TraceKind::restore)] + s.prefetches;
  s.restore_bytes = t.bytes[index(TraceKind::restore)] + s.prefetch_bytes;
  s.restore_ns =
      t.duration_ns[index(TraceKind::restore)] + t.duration_ns[index(TraceKind::prefetch)];
  s.discards = t.count[index(TraceKind::discard)];
  s.discard_bytes = t.bytes[index(TraceKind::discard)];
  s.stalls = t.count[index(TraceKind::stall)];
  s.stall_ns = t.duration_ns[index(TraceKind::stall)];
  s.sched_waits = t.count[index(TraceKind::sched_wait)];
  s.sched_wait_ns = t.duration_ns[index(TraceKind::sched_wait)];
  s.allocs = t.count[index(TraceKind::alloc)];
  s.frees = t.count[index(TraceKind::free)];
  s.ooms = t.count[index(TraceKind::oom)];
  s.ops = t.count[index(TraceKind::op)];
}

// A prefetch is a hit when an operation touches its region, or the caller
// stalls on it, before the region is evicted, discarded or freed.
void count_prefetch_hits(const TraceFile& trace, TraceSummary& s) {
  std::set<std::uint64_t> pending;
  for (const TraceRecord& e : trace.events) {
    switch (e.kind) {
      case TraceKind::prefetch:
        pending.insert(e.region);
        break;
      case TraceKind::stall:
        if (pending.erase(e.region) != 0) ++s.prefetch_hits;
        break;
      case TraceKind::op:
        for (const std::uint64_t r : e.regions) {
          if (pending.erase(r) != 0) ++s.prefetch_hits;
        }
        break;
      case TraceKind::evict:
      case TraceKind::discard:
      case TraceKind::free:
        if (pending.erase(e.region) != 0) ++s.prefetch_misses;
        break;
      default:
        break;
    }
  }
  const std::uint64_t resolved = s.prefetch_hits + s.prefetch_misses;
  if (resolved != 0) {
    s.prefetch_hit_rate = static_cast<double>(s.prefetch_hits) / static_cast<double>(resolved);
  }
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[48];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.2f %s", value, kUnits[unit]);
  }
  return text;
}

std::string human_ns(std::uint64_t ns) {
  char text[48];
  const double v = static_cast<double>(ns);
  if (ns >= 1'000'000'000ull) {
    std::snprintf(text, sizeof text, "%.3f s", v / 1e9);
  } else if (ns >= 1'000'000ull) {
    std::snprintf(text, sizeof text, "%.3f ms", v / 1e6);
  } else if (ns >= 1'000ull) {
    std::snprintf(text, sizeof text, "%.3f us", v / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%llu ns", static_cast<unsigned long long>(ns));
  }
  return text;
}

// "1 stall", "3 stalls".
std::string counted(std::uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string human_bandwidth(const std::optional<double>& bytes_per_s) {
  if (!bytes_per_s) return "n/a";
  char text[48];
  std::snprintf(text, sizeof text, "%.2f GB/s", *bytes_per_s / 1e9);
  return text;
}

std::string json_number(const std::optional<double>& value) {
  if (!value) return "null";
  char text[48];
  std::snprintf(text, sizeof text, "%.17g", *value);
  return text;
}

}  // namespace

TraceSummary summarize(const TraceFile& trace) {
  TraceSummary s;
  s.complete = trace.end.has_value();
  s.truncated = trace.truncated;
  s.dropped = trace.end ? std::max(trace.end->dropped, trace.dropped) : trace.dropped;

  runtime::TraceTotals from_events;
  std::unordered_map<std::uint64_t, RegionEvictions> per_region;
  for (const TraceRecord& e : trace.events) {
    const std::size_t k = index(e.kind);
    ++from_events.count[k];
    from_events.bytes[k] += e.bytes;
    from_events.duration_ns[k] += e.dur;
    s.span_ns = std::max(s.span_ns, e.t + e.dur);
    if (e.kind == TraceKind::evict) {
      RegionEvictions& r = per_region[e.region];
      r.region = e.region;
      ++r.evictions;
      r.bytes += e.bytes;
    }
  }
  if (trace.end) {
    s.span_ns = std::max(s.span_ns, trace.end->t);
    totals_from(trace.end->totals, s);
    s.totals_from_end = true;
  } else {
    totals_from(from_events, s);
  }
  s.evict_bandwidth = bandwidth(s.evict_bytes, s.evict_ns);
  s.restore_bandwidth = bandwidth(s.restore_bytes, s.restore_ns);
  count_prefetch_hits(trace, s);

  for (const auto& [id, r] : per_region) s.hottest.push_back(r);
  std::sort(s.hottest.begin(), s.hottest.end(), [](const auto& a, const auto& b) {
    if (a.evictions != b.evictions) return a.evictions > b.evictions;
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    return a.region < b.region;
  });
  if (s.hottest.size() > TraceSummary::kHottest) s.hottest.resize(TraceSummary::kHottest);
  return s;
}

std::string format_summary_table(const TraceSummary& s, const TraceFile& trace,
                                 const std::string& source) {
  std::string out;
  char line[256];
  auto row = [&](const char* label, const std::string& value) {
    std::snprintf(line, sizeof line, "%-22s %s\n", label, value.c_str());
    out += line;
  };
  row("trace", source + " (pid " + std::to_string(trace.pid) + ", level " +
                   (trace.level.empty() ? "?" : trace.level) +
                   (trace.device.empty() ? "" : ", device " + trace.device) + ")");
  std::string state = s.complete ? "complete" : "no end record (the process did not close it)";
  if (s.truncated) state += ", last line cut short";
  row("span", human_ns(s.span_ns) + ", " + state);
  row("device -> host", counted(s.evictions, "eviction") + ", " + human_bytes(s.evict_bytes) +
                            " in " + human_ns(s.evict_ns) + ", " +
                            human_bandwidth(s.evict_bandwidth));
  row("host -> device", counted(s.restores, "restore") + ", " + human_bytes(s.restore_bytes) +
                            " in " + human_ns(s.restore_ns) + ", " +
                            human_bandwidth(s.restore_bandwidth));
  row("  of which prefetch", std::to_string(s.prefetches) + ", " + human_bytes(s.prefetch_bytes));
  row("discarded", std::to_string(s.discards) + ", " + human_bytes(s.discard_bytes));
  row("stall time", human_ns(s.stall_ns) + " in " + counted(s.stalls, "stall"));
  row("scheduler wait", human_ns(s.sched_wait_ns) + " in " + counted(s.sched_waits, "wait"));
  if (s.prefetch_hit_rate) {
    std::snprintf(line, sizeof line, "%.1f%% (%llu of %llu)", *s.prefetch_hit_rate * 100.0,
                  static_cast<unsigned long long>(s.prefetch_hits),
                  static_cast<unsigned long long>(s.prefetch_hits + s.prefetch_misses));
    row("prefetch hit rate", line);
  } else {
    row("prefetch hit rate", "n/a");
  }
  row("allocations / frees", std::to_string(s.allocs) + " / " + std::to_string(s.frees));
  row("out of memory", std::to_string(s.ooms));
  row("dropped events", std::to_string(s.dropped));
  if (!s.hottest.empty()) {
    out += "hottest regions (by evictions):\n";
    std::snprintf(line, sizeof line, "  %-12s %10s  %s\n", "region", "evictions", "bytes evicted");
    out += line;
    for (const RegionEvictions& r : s.hottest) {
      std::snprintf(line, sizeof line, "  %-12llu %10llu  %s\n",
                    static_cast<unsigned long long>(r.region),
                    static_cast<unsigned long long>(r.evictions), human_bytes(r.bytes).c_str());
      out += line;
    }
  }
  return out;
}

std::string format_summary_json(const TraceSummary& s) {
  std::string out = "{";
  auto field = [&](const char* key, const std::string& value) {
    if (out.size() > 1) out += ",";
    out += json_quote(key) + ":" + value;
  };
  auto num = [](std::uint64_t v) { return std::to_string(v); };
  field("complete", s.complete ? "true" : "false");
  field("truncated", s.truncated ? "true" : "false");
  field("span_ns", num(s.span_ns));
  field("evictions", num(s.evictions));
  field("evict_bytes", num(s.evict_bytes));
  field("evict_ns", num(s.evict_ns));
  field("evict_bandwidth", json_number(s.evict_bandwidth));
  field("restores", num(s.restores));
  field("restore_bytes", num(s.restore_bytes));
  field("restore_ns", num(s.restore_ns));
  field("restore_bandwidth", json_number(s.restore_bandwidth));
  field("prefetches", num(s.prefetches));
  field("prefetch_bytes", num(s.prefetch_bytes));
  field("prefetch_hits", num(s.prefetch_hits));
  field("prefetch_misses", num(s.prefetch_misses));
  field("prefetch_hit_rate", json_number(s.prefetch_hit_rate));
  field("discards", num(s.discards));
  field("discard_bytes", num(s.discard_bytes));
  field("stalls", num(s.stalls));
  field("stall_ns", num(s.stall_ns));
  field("sched_waits", num(s.sched_waits));
  field("sched_wait_ns", num(s.sched_wait_ns));
  field("allocs", num(s.allocs));
  field("frees", num(s.frees));
  field("ooms", num(s.ooms));
  field("ops", num(s.ops));
  field("dropped", num(s.dropped));
  std::string hottest = "[";
  for (const RegionEvictions& r : s.hottest) {
    if (hottest.size() > 1) hottest += ",";
    hottest += "{\"region\":" + num(r.region) + ",\"evictions\":" + num(r.evictions) +
               ",\"bytes\":" + num(r.bytes) + "}";
  }
  field("hottest_regions", hottest + "]");
  return out + "}\n";
}

}  // namespace gpuswap::tools
