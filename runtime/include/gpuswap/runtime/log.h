// The human-readable log: one spdlog logger per subsystem, written to stderr
// as `gpuswap[<pid>] <subsystem> <level>: <message>`.
//
// spdlog and fmt are compiled into the runtime header-only and hidden, so the
// preloaded library never exports them and never meets an application's own
// copies. Loggers are created on first use and never destroyed (a hook may
// log while the process exits), so the library has no global constructors.
#pragma once

#include <fmt/core.h>

#include <string_view>
#include <utility>

#include "gpuswap/config/config.h"

namespace gpuswap::runtime::log {

enum class Subsystem { interpose, runtime, policy, pcie };
inline constexpr int kSubsystemCount = 4;

std::string_view to_string(Subsystem subsystem);

// Every subsystem logs at config.log.level from now on (default: warn).
void apply_log_config(const config::Config& config);
void set_level(Subsystem subsystem, config::LogLevel level);
config::LogLevel level(Subsystem subsystem);

// Cheap (one relaxed atomic load): callers test it before building a message.
bool enabled(Subsystem subsystem, config::LogLevel level);

// Writes one line if `level` is enabled for `subsystem`. Never throws.
void write(Subsystem subsystem, config::LogLevel level, std::string_view message) noexcept;

// Formats (fmt syntax) only when the level is enabled.
template <class... Args>
void print(Subsystem subsystem, config::LogLevel level, fmt::format_string<Args...> format,
           Args&&... args) {
  if (!enabled(subsystem, level)) return;
  try {
    write(subsystem, level, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {
    // Out of memory while formatting a log line: the line is lost, not the job.
  }
}

template <class... Args>
void trace(Subsystem s, fmt::format_string<Args...> f, Args&&... a) {
  print(s, config::LogLevel::trace, f, std::forward<Args>(a)...);
}
template <class... Args>
void debug(Subsystem s, fmt::format_string<Args...> f, Args&&... a) {
  print(s, config::LogLevel::debug, f, std::forward<Args>(a)...);
}
template <class... Args>
void info(Subsystem s, fmt::format_string<Args...> f, Args&&... a) {
  print(s, config::LogLevel::info, f, std::forward<Args>(a)...);
}
template <class... Args>
void warn(Subsystem s, fmt::format_string<Args...> f, Args&&... a) {
  print(s, config::LogLevel::warn, f, std::forward<Args>(a)...);
}
template <class... Args>
void error(Subsystem s, fmt::format_string<Args...> f, Args&&... a) {
  print(s, config::LogLevel::error, f, std::forward<Args>(a)...);
}

}  // namespace gpuswap::runtime::log
