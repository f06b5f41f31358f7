#include "gpuswap/runtime/log.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>

namespace gpuswap::runtime::log {
namespace {

using config::LogLevel;

// Constant-initialised: no code runs for these before main or at exit.
constinit std::array<std::atomic<int>, kSubsystemCount> g_levels{
    static_cast<int>(LogLevel::warn), static_cast<int>(LogLevel::warn),
    static_cast<int>(LogLevel::warn), static_cast<int>(LogLevel::warn)};
constinit std::array<std::atomic<spdlog::logger*>, kSubsystemCount> g_loggers{};
constinit std::mutex g_create_mutex;

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::off;
}

int index(Subsystem subsystem) {
  return static_cast<int>(subsystem);
}

// Loggers and their sink are never destroyed: a hook may still log from
// another thread while the process runs its exit handlers.
spdlog::logger* logger(Subsystem subsystem) {
  std::atomic<spdlog::logger*>& slot = g_loggers[static_cast<std::size_t>(index(subsystem))];
  if (spdlog::logger* existing = slot.load(std::memory_order_acquire)) return existing;
  std::lock_guard lock(g_create_mutex);
  if (spdlog::logger* existing = slot.load(std::memory_order_relaxed)) return existing;
  static auto* const sink = new std::shared_ptr<spdlog::sinks::stderr_sink_mt>(
      std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto* created = new spdlog::logger(std::string(to_string(subsystem)), *sink);
  // %P is read per message, so a forked child prints its own pid.
  created->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "gpuswap[%P] %n %l: %v", spdlog::pattern_time_type::local, std::string("\n")));
  // Filtering happens in enabled(); the logger passes whatever reaches it.
  created->set_level(spdlog::level::trace);
  created->flush_on(spdlog::level::trace);
  slot.store(created, std::memory_order_release);
  return created;
}

}  // namespace

std::string_view to_string(Subsystem subsystem) {
  switch (subsystem) {
    case Subsystem::interpose:
      return "interpose";
    case Subsystem::runtime:
      return "runtime";
    case Subsystem::policy:
      return "policy";
    case Subsystem::pcie:
      return "pcie";
  }
  return "unknown";
}

void apply_log_config(const config::Config& config) {
  for (int i = 0; i < kSubsystemCount; ++i) set_level(static_cast<Subsystem>(i), config.log.level);
}

void set_level(Subsystem subsystem, config::LogLevel level) {
  g_levels[static_cast<std::size_t>(index(subsystem))].store(static_cast<int>(level),
                                                             std::memory_order_relaxed);
}

config::LogLevel level(Subsystem subsystem) {
  return static_cast<LogLevel>(
      g_levels[static_cast<std::size_t>(index(subsystem))].load(std::memory_order_relaxed));
}

bool enabled(Subsystem subsystem, config::LogLevel level) {
  if (level == LogLevel::off) return false;
  return static_cast<int>(level) >=
         g_levels[static_cast<std::size_t>(index(subsystem))].load(std::memory_order_relaxed);
}

void write(Subsystem subsystem, config::LogLevel level, std::string_view message) noexcept {
  if (!enabled(subsystem, level)) return;
  try {
    logger(subsystem)->log(to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
  } catch (...) {
    // A log line that cannot be written must not take the job down.
  }
}

}  // namespace gpuswap::runtime::log
