#include "gpuswap/runtime/trace_event.h"

#include <array>

namespace gpuswap::runtime {
namespace {

// Indexed by the enums' values; the names are the trace file's vocabulary.
constexpr std::array<std::string_view, kTraceKindCount> kKindNames{
    "evict", "restore", "prefetch", "discard", "stall", "sched_wait", "alloc", "free", "oom", "op"};
constexpr std::array<std::string_view, kTraceReasonCount> kReasonNames{
    "none", "demand", "budget", "prefetch", "early", "free", "overwrite", "sync", "host"};

}  // namespace

std::string_view to_string(TraceKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

std::string_view to_string(TraceReason reason) {
  const auto i = static_cast<std::size_t>(reason);
  return i < kReasonNames.size() ? kReasonNames[i] : "unknown";
}

std::optional<TraceKind> parse_trace_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<TraceKind>(i);
  }
  return std::nullopt;
}

std::optional<TraceReason> parse_trace_reason(std::string_view text) {
  for (std::size_t i = 0; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == text) return static_cast<TraceReason>(i);
  }
  return std::nullopt;
}

}  // namespace gpuswap::runtime
