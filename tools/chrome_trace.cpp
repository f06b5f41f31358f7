#include "chrome_trace.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <utility>
#include <vector>

#include "json_value.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;

// Track (thread) ids of the exported process.
enum Track : int { kEvict = 1, kRestore, kStall, kSchedWait, kOps, kLifecycle };

constexpr std::pair<Track, const char*> kTracks[] = {{kEvict, "evict"}, {kRestore, "restore"},
                                                     {kStall, "stall"}, {kSchedWait, "sched_wait"},
                                                     {kOps, "ops"},     {kLifecycle, "alloc/free"}};

// Chrome timestamps are microseconds; keep the nanoseconds as decimals.
std::string micros(std::uint64_t ns) {
  char text[40];
  std::snprintf(text, sizeof text, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
                static_cast<unsigned long long>(ns % 1000));
  return text;
}

Track track_of(TraceKind kind) {
  switch (kind) {
    case TraceKind::evict:
      return kEvict;
    case TraceKind::restore:
    case TraceKind::prefetch:
      return kRestore;
    case TraceKind::stall:
      return kStall;
    case TraceKind::sched_wait:
      return kSchedWait;
    case TraceKind::op:
      return kOps;
    default:
      return kLifecycle;
  }
}

bool is_duration(TraceKind kind) {
  return kind == TraceKind::evict || kind == TraceKind::restore || kind == TraceKind::prefetch ||
         kind == TraceKind::stall || kind == TraceKind::sched_wait;
}

// Resident bytes over time, assuming a region is resident from its
// allocation until evicted, discarded or freed, and again once restored.
class ResidentCounter {
 public:
  void apply(const TraceRecord& e) {
    switch (e.kind) {
      case TraceKind::alloc:
        regions_[e.region] = {e.bytes, true};
        change(e.t, static_cast<std::int64_t>(e.bytes));
        break;
      case TraceKind::evict:
      case TraceKind::discard:
        leave(e, e.kind == TraceKind::evict ? e.t + e.dur : e.t);
        break;
      case TraceKind::free:
        leave(e, e.t);
        regions_.erase(e.region);
        break;
      case TraceKind::restore:
      case TraceKind::prefetch: {
        State& s = regions_[e.region];
        if (s.bytes == 0) s.bytes = e.bytes;
        if (!s.resident) {
          s.resident = true;
          change(e.t, static_cast<std::int64_t>(s.bytes));
        }
        break;
      }
      default:
        break;
    }
  }

  std::vector<std::pair<std::uint64_t, std::int64_t>> points() {
    std::stable_sort(changes_.begin(), changes_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::uint64_t, std::int64_t>> out;
    std::int64_t resident = 0;
    for (const auto& [t, delta] : changes_) {
      resident += delta;
      if (!out.empty() && out.back().first == t) {
        out.back().second = resident;
      } else {
        out.emplace_back(t, resident);
      }
    }
    return out;
  }

 private:
  struct State {
    std::uint64_t bytes = 0;
    bool resident = false;
  };
  void leave(const TraceRecord& e, std::uint64_t t) {
    const auto it = regions_.find(e.region);
    if (it == regions_.end() || !it->second.resident) return;
    it->second.resident = false;
    change(t, -static_cast<std::int64_t>(it->second.bytes));
  }
  void change(std::uint64_t t, std::int64_t delta) { changes_.emplace_back(t, delta); }

  std::unordered_map<std::uint64_t, State> regions_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> changes_;
};

}  // namespace

std::string to_chrome_trace(const TraceFile& trace) {
  const std::string pid = std::to_string(trace.pid);
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  auto add = [&](const std::string& event) {
    if (!first) out += ",\n";
    first = false;
    out += event;
  };
  add("{\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":" +
      json_quote("gpuswap" + (trace.device.empty() ? std::string() : " " + trace.device)) + "}}");
  for (const auto& [tid, name] : kTracks) {
    add("{\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + std::to_string(tid) +
        ",\"name\":\"thread_name\",\"args\":{\"name\":" + json_quote(name) + "}}");
    add("{\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":" + std::to_string(tid) +
        ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" + std::to_string(tid) + "}}");
  }

  bool has_allocs = false;
  ResidentCounter resident;
  for (const TraceRecord& e : trace.events) {
    const std::string kind(runtime::to_string(e.kind));
    std::string event = "{\"pid\":" + pid + ",\"tid\":" + std::to_string(track_of(e.kind)) +
                        ",\"ts\":" + micros(e.t) + ",";
    if (e.kind == TraceKind::op) {
      std::string regions;
      for (const std::uint64_t r : e.regions) {
        regions += (regions.empty() ? "" : ",") + std::to_string(r);
      }
      event += "\"ph\":\"i\",\"s\":\"t\",\"cat\":\"op\",\"name\":" + json_quote(e.name) +
               ",\"args\":{\"stream\":" + std::to_string(e.stream) + ",\"regions\":[" + regions +
               "]}}";
    } else {
      event += is_duration(e.kind) ? "\"ph\":\"X\",\"dur\":" + micros(e.dur) + ","
                                   : std::string("\"ph\":\"i\",\"s\":\"t\",");
      event += "\"cat\":" + json_quote(kind) +
               ",\"name\":" + json_quote(kind + " r" + std::to_string(e.region)) +
               ",\"args\":{\"region\":" + std::to_string(e.region) +
               ",\"bytes\":" + std::to_string(e.bytes) + ",\"stream\":" + std::to_string(e.stream) +
               ",\"reason\":" + json_quote(runtime::to_string(e.reason)) + "}}";
    }
    add(event);
    has_allocs = has_allocs || e.kind == TraceKind::alloc;
    resident.apply(e);
  }
  if (has_allocs) {
    for (const auto& [t, bytes] : resident.points()) {
      add("{\"ph\":\"C\",\"pid\":" + pid + ",\"name\":\"resident bytes\",\"ts\":" + micros(t) +
          ",\"args\":{\"bytes\":" + std::to_string(bytes) + "}}");
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace gpuswap::tools
