// The validated contents of the policy file (docs/policy-file.md lists every
// key). A Config is a plain value: the loader builds it once and passes it to
// whom needs it; a default-constructed Config is exactly what an empty policy
// file means.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuswap/config/size.h"

namespace gpuswap::config {

enum class LogLevel { trace, debug, info, warn, error, off };
enum class TraceLevel {
  off,      // no trace file
  summary,  // totals at exit only
  events,   // every eviction, restore, prefetch and stall
  full,     // events plus every operation's touched regions (replayable)
};

// The policies the runtime can be asked for; policy::make_policy accepts
// every one of them.
inline constexpr std::array<std::string_view, 1> kPolicyNames{"lru"};

// One `pin:` entry. An allocation is pinned (never evicted) when every field
// the rule sets matches it; the list pins an allocation when any rule does.
struct PinRule {
  std::optional<std::uint64_t> min_size;     // allocation bytes >= min_size
  std::optional<std::uint64_t> max_size;     // allocation bytes <= max_size
  std::optional<std::uint64_t> first_index;  // allocation index >= first_index
  std::optional<std::uint64_t> last_index;   // allocation index <= last_index

  // `index`: 0-based position of the allocation among all device allocations
  // the process has requested (cuMemAlloc*, cuMemAllocPitch), in call order.
  bool matches(std::uint64_t bytes, std::uint64_t index) const;
  friend bool operator==(const PinRule&, const PinRule&) = default;
};

struct LogConfig {
  LogLevel level = LogLevel::warn;
  friend bool operator==(const LogConfig&, const LogConfig&) = default;
};

struct TraceConfig {
  std::string path;  // empty: no trace file
  TraceLevel level = TraceLevel::events;
  // A trace is written only with a path and a level other than off.
  bool enabled() const { return !path.empty() && level != TraceLevel::off; }
  friend bool operator==(const TraceConfig&, const TraceConfig&) = default;
};

struct Config {
  // Device memory the application's buffers may occupy at once (resident
  // regions plus pass-through allocations). Empty ("auto"): free memory at
  // start minus device_reserve. A percentage is of the device's total memory.
  // See device_budget_bytes().
  std::optional<Size> device_budget;
  // Left to what gpuswap does not manage (the CUDA context, module and
  // stream memory). A percentage is of the device's total memory. Empty
  // ("auto"): kAutoReserveBytes, but never more than an eighth of the device
  // (see device_reserve_bytes()).
  std::optional<Size> device_reserve;
  // Pinned host memory for evicted regions. A percentage is of physical RAM.
  Size host_budget = Size::percent(50);
  // Allocations smaller than this pass through untouched and stay resident.
  std::uint64_t min_swappable = 2ull << 20;
  // Device memory kept free ahead of need: once less than this is free, the
  // least recently used regions are copied out in the background, so that
  // the next allocation or restore finds room without waiting. A percentage
  // is of the device budget; 0 turns it off (evictions only on demand).
  Size evict_ahead = Size::bytes(0);
  // One of kPolicyNames.
  std::string policy = "lru";
  LogConfig log;
  TraceConfig trace;
  std::vector<PinRule> pin;
  // A bad policy file stops the job (instead of pass-through mode).
  bool strict = false;
  // What cuMemGetInfo reports as total memory. Empty ("device"): the device's
  // own figures. A size (a percentage is of the device's total memory, and may
  // exceed 100%) makes total that size and free that size minus what the
  // application holds.
  std::optional<Size> report_memory;
  // While nothing is swapped and at least a quarter of the device budget is
  // free, kernel launches are counted and only about one in 16 is reported
  // to the policy (docs/runtime.md, "Unrecorded launches"). False: every
  // launch is reported, as it is once memory runs short.
  bool sample_launches = true;

  bool pinned(std::uint64_t bytes, std::uint64_t index) const;
  friend bool operator==(const Config&, const Config&) = default;
};

// What `device_reserve: auto` leaves on a device of a few GiB or more: room
// for a CUDA context, its modules and the libraries' workspaces.
inline constexpr std::uint64_t kAutoReserveBytes = 256ull << 20;

// device_reserve in bytes on a device with `total` bytes. Auto is
// kAutoReserveBytes capped at total / 8, so that a small (or emulated) device
// keeps most of its memory for the application.
std::uint64_t device_reserve_bytes(const Config& config, std::uint64_t total);

// The device budget in bytes for a device with `total` bytes of which `free`
// were free at start: device_budget (auto: `free`), never more than `free`
// minus device_reserve_bytes() (saturating at 0).
std::uint64_t device_budget_bytes(const Config& config, std::uint64_t total, std::uint64_t free);

// Names as the policy file spells them, and the reverse (nullopt if unknown).
std::string_view to_string(LogLevel level);
std::string_view to_string(TraceLevel level);
std::optional<LogLevel> parse_log_level(std::string_view text);
std::optional<TraceLevel> parse_trace_level(std::string_view text);

// "trace, debug, info, warn, error, off" — for error messages.
std::string allowed_log_levels();
std::string allowed_trace_levels();
std::string allowed_policies();

}  // namespace gpuswap::config
