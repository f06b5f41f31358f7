#include "trace_file.h"

#include <fstream>

#include "json_value.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;

// Reads one record; returns the error text or an empty string.
class LineReader {
 public:
  explicit LineReader(const JsonValue& line) : line_(line) {}

  std::string error;

  std::uint64_t integer(std::string_view key, bool required = true) {
    const JsonValue* v = line_.find(key);
    if (v == nullptr) {
      if (required) set_error(std::string("missing \"") + std::string(key) + "\"");
      return 0;
    }
    if (!v->is_integer()) {
      set_error(std::string("\"") + std::string(key) + "\" is not a non-negative integer");
      return 0;
    }
    return v->as_integer();
  }

  std::string string(std::string_view key, bool required = true) {
    const JsonValue* v = line_.find(key);
    if (v == nullptr) {
      if (required) set_error(std::string("missing \"") + std::string(key) + "\"");
      return {};
    }
    if (!v->is_string()) {
      set_error(std::string("\"") + std::string(key) + "\" is not a string");
      return {};
    }
    return v->as_string();
  }

 private:
  void set_error(std::string what) {
    if (error.empty()) error = std::move(what);
  }
  const JsonValue& line_;
};

std::string read_header(const JsonValue& line, TraceFile& trace) {
  LineReader r(line);
  const std::uint64_t version = r.integer("gpuswap_trace");
  if (!r.error.empty()) return "not a gpuswap trace (the first line has no \"gpuswap_trace\")";
  if (version != 1) return "trace format version " + std::to_string(version) + " is not supported";
  trace.pid = r.integer("pid");
  trace.start = r.integer("start");
  trace.level = r.string("level", false);
  trace.device = r.string("device", false);
  trace.device_budget = r.integer("device_budget", false);
  return r.error;
}

std::string read_end(const JsonValue& line, TraceFile& trace) {
  LineReader r(line);
  TraceEnd end;
  end.t = r.integer("t");
  end.dropped = r.integer("dropped");
  const JsonValue* totals = line.find("totals");
  if (totals == nullptr || !totals->is_object()) return "\"end\" record without \"totals\"";
  for (int i = 0; i < runtime::kTraceKindCount; ++i) {
    const JsonValue* kind = totals->find(runtime::to_string(static_cast<TraceKind>(i)));
    if (kind == nullptr) continue;
    LineReader k(*kind);
    const auto index = static_cast<std::size_t>(i);
    end.totals.count[index] = k.integer("count");
    end.totals.bytes[index] = k.integer("bytes");
    end.totals.duration_ns[index] = k.integer("dur");
    if (!k.error.empty())
      return "totals." + std::string(runtime::to_string(static_cast<TraceKind>(i))) + ": " +
             k.error;
  }
  if (!r.error.empty()) return r.error;
  trace.end = end;
  return {};
}

std::string read_op(const JsonValue& line, TraceFile& trace) {
  LineReader r(line);
  TraceRecord record;
  record.kind = TraceKind::op;
  record.t = r.integer("t");
  record.stream = r.integer("stream");
  record.name = r.string("name");
  const JsonValue* regions = line.find("regions");
  if (regions == nullptr || !regions->is_array()) return "op record without a \"regions\" array";
  for (const JsonValue& id : regions->as_array()) {
    if (!id.is_integer()) return "op record with a region id that is not an integer";
    record.regions.push_back(id.as_integer());
  }
  if (!r.error.empty()) return r.error;
  const JsonValue* cont = line.find("cont");
  const bool continued = cont != nullptr && cont->is_bool() && cont->as_bool();
  if (continued) {
    // Extends the last op of the same stream and name.
    for (auto it = trace.events.rbegin(); it != trace.events.rend(); ++it) {
      if (it->kind == TraceKind::op && it->stream == record.stream && it->name == record.name) {
        it->regions.insert(it->regions.end(), record.regions.begin(), record.regions.end());
        return {};
      }
    }
  }
  trace.events.push_back(std::move(record));
  return {};
}

std::string read_event(const JsonValue& line, TraceFile& trace) {
  LineReader r(line);
  const std::string ev = r.string("ev");
  if (!r.error.empty()) return "record without \"ev\"";
  if (ev == "end") return read_end(line, trace);
  if (ev == "dropped") {
    trace.dropped += r.integer("count");
    return r.error;
  }
  const std::optional<TraceKind> kind = runtime::parse_trace_kind(ev);
  if (!kind) return "unknown record kind \"" + ev + "\"";
  if (*kind == TraceKind::op) return read_op(line, trace);
  TraceRecord record;
  record.kind = *kind;
  record.t = r.integer("t");
  record.region = r.integer("region", false);
  record.bytes = r.integer("bytes", false);
  record.dur = r.integer("dur", false);
  record.stream = r.integer("stream", false);
  const std::string reason = r.string("reason", false);
  if (!r.error.empty()) return r.error;
  if (!reason.empty()) {
    const std::optional<runtime::TraceReason> parsed = runtime::parse_trace_reason(reason);
    if (!parsed) return "unknown reason \"" + reason + "\"";
    record.reason = *parsed;
  }
  trace.events.push_back(std::move(record));
  return {};
}

}  // namespace

TraceReadResult read_trace(std::istream& in, const std::string& source) {
  TraceReadResult result;
  std::string text;
  int number = 0;
  bool header_seen = false;
  while (std::getline(in, text)) {
    ++number;
    const bool last_without_newline = in.eof();
    if (text.empty()) continue;
    const JsonParseResult parsed = parse_json(text);
    std::string error;
    if (!parsed.ok() || !parsed.value.is_object()) {
      if (last_without_newline && header_seen) {
        result.trace.truncated = true;
        break;
      }
      error = parsed.ok() ? "not a JSON object" : "not JSON: " + parsed.error;
    } else if (!header_seen) {
      error = read_header(parsed.value, result.trace);
      header_seen = error.empty();
    } else {
      error = read_event(parsed.value, result.trace);
    }
    if (!error.empty()) {
      result.error = source + ":" + std::to_string(number) + ": " + error;
      return result;
    }
  }
  if (!header_seen) result.error = source + ": empty file, not a gpuswap trace";
  return result;
}

TraceReadResult read_trace_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    TraceReadResult result;
    result.error = path + ": cannot open";
    return result;
  }
  return read_trace(in, path);
}

}  // namespace gpuswap::tools
